import t from 'tap';
import { KeptBytes } from '../../src/http/kept-bytes.js';

const bytesOf = (text: string) => Buffer.from(text);

t.test(
  'through any sequence of keeps, loans, wraps and clears, bytes lent stay as kept until given back',
  async (t) => {
    // A small block and entries of up to a third of it, so it wraps and evicts all the time.
    const capacity = 300;
    const kept = new KeptBytes<number>(capacity);
    const model = new Map<string, string>();
    const loans: { text: string; bytes: Buffer; giveBack: () => void; due: number }[] = [];
    let seed = 7;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    const problems: string[] = [];
    let lent = 0;
    let refused = 0;
    for (let step = 0; step < 20_000; step++) {
      const key = `k${random(40)}`;
      const action = random(100);
      if (action < 45) {
        const text = `${key}:${step}:`.padEnd(1 + random(100), String.fromCharCode(97 + random(26)));
        if (kept.keep(key, bytesOf(text), step)) {
          model.set(key, text);
          if (!kept.has(key)) problems.push(`${step}: ${key} kept but not there`);
        } else {
          refused++;
          if (!kept.has(key)) model.delete(key);
        }
      } else if (action < 90) {
        const loan = kept.lend(key);
        if (loan) {
          lent++;
          const text = loan.bytes.toString();
          if (text !== model.get(key)) problems.push(`${step}: ${key} lent ${text}, kept ${model.get(key)}`);
          // Most loans come back at once; some stay out for a while, as for a slow client.
          loans.push({
            text,
            bytes: loan.bytes,
            giveBack: loan.giveBack,
            due: step + (random(4) === 0 ? random(50) : 0),
          });
        }
      } else if (action === 99) {
        kept.clear();
        model.clear();
      }
      for (const loan of loans) {
        if (loan.bytes.toString() !== loan.text) problems.push(`${step}: a loan changed while out`);
      }
      for (const loan of loans.filter((each) => each.due <= step)) {
        loan.giveBack();
        loan.giveBack();
        loans.splice(loans.indexOf(loan), 1);
      }
      let live = 0;
      for (const [name, text] of model) if (kept.has(name)) live += text.length;
      if (live > capacity) problems.push(`${step}: ${live} bytes kept in ${capacity}`);
    }
    t.same(problems.slice(0, 5), [], 'lent bytes were the ones kept, loans never changed, and all fits');
    t.ok(lent > 1000, `loans were made (${lent})`);
    t.ok(refused > 0, `some keeps were refused while space was on loan (${refused})`);
    for (const loan of loans) loan.giveBack();
    t.ok(
      kept.keep('after', bytesOf('x'.repeat(capacity)), 0),
      'with every loan back, the whole block is free to use',
    );
  },
);

t.test('an entry read since it was kept outlives newer ones; one never read goes first', async (t) => {
  const kept = new KeptBytes<null>(1000);
  kept.keep('popular', bytesOf('p'.repeat(100)), null);
  kept.keep('once', bytesOf('o'.repeat(100)), null);
  kept.lend('popular')?.giveBack();
  // Ten fit: the eleventh write reaches the oldest two.
  for (let i = 0; i < 12; i++) kept.keep(`other-${i}`, bytesOf('x'.repeat(100)), null);
  t.ok(kept.has('popular'), 'the read one is still kept');
  t.equal(kept.lend('popular')?.bytes.toString(), 'p'.repeat(100), 'with its bytes');
  t.notOk(kept.has('once'), 'the other went');
  t.notOk(kept.has('other-0'), 'and so did the oldest of the rest');
  t.ok(kept.has('other-11'), 'the newest is kept');
});

t.test('space on loan is not written over until it is given back', async (t) => {
  const kept = new KeptBytes<null>(200);
  kept.keep('a', bytesOf('a'.repeat(150)), null);
  const loan = kept.lend('a')!;
  t.notOk(kept.keep('b', bytesOf('b'.repeat(150)), null), 'what needs its space is not kept');
  t.ok(kept.keep('small', bytesOf('s'.repeat(50)), null), 'what fits beside it is');
  t.notOk(kept.keep('a', bytesOf('A'.repeat(150)), null), 'nor are new bytes under its key');
  t.equal(loan.bytes.toString(), 'a'.repeat(150), 'the lent bytes are unchanged');
  loan.giveBack();
  t.ok(kept.keep('b', bytesOf('b'.repeat(150)), null), 'once given back, its space is used');
  t.equal(loan.bytes.toString().slice(0, 1), 'b', 'and the old view now shows the new bytes');
});

t.test('an entry read since it was kept survives a keep that runs into space on loan', async (t) => {
  const kept = new KeptBytes<null>(100);
  kept.keep('read', bytesOf('r'.repeat(30)), null);
  kept.keep('lent', bytesOf('l'.repeat(30)), null);
  kept.lend('read')?.giveBack();
  const loan = kept.lend('lent')!;
  // Room for 50 would take the read entry's space, then the lent one's: the keep is refused.
  t.notOk(kept.keep('new', bytesOf('n'.repeat(50)), null), 'what needs space on loan is not kept');
  t.equal(kept.lend('read')?.bytes.toString(), 'r'.repeat(30), 'the read entry is still kept, whole');
  t.equal(loan.bytes.toString(), 'l'.repeat(30), 'and the lent bytes are unchanged');
});

t.test('clearing forgets what is on loan but keeps its space until it is given back', async (t) => {
  const kept = new KeptBytes<null>(200);
  kept.keep('a', bytesOf('a'.repeat(100)), null);
  const loan = kept.lend('a')!;
  kept.clear();
  t.notOk(kept.has('a'), 'forgotten');
  t.notOk(kept.keep('b', bytesOf('b'.repeat(150)), null), 'its space is still taken');
  t.ok(kept.keep('c', bytesOf('c'.repeat(100)), null), 'the rest is free');
  t.equal(loan.bytes.toString(), 'a'.repeat(100), 'the lent bytes are unchanged');
  loan.giveBack();
  t.ok(kept.keep('d', bytesOf('d'.repeat(100)), null), 'given back, the space is used again');
  t.ok(kept.has('c'));
});

t.test('bytes larger than the whole block are not kept', async (t) => {
  const kept = new KeptBytes<null>(10);
  t.equal(kept.keep('big', bytesOf('x'.repeat(11)), null), false);
  t.notOk(kept.has('big'));
  t.equal(kept.keep('fits', bytesOf('x'.repeat(10)), null), true);
});
