import t from 'tap';
import {
  binaryReason,
  charsetFromContentType,
  charsetFromHtmlHead,
  decodeBytes,
  decodePercentEscapes,
  decodeTextEntities,
  normalizeText,
} from '../../src/ingest/decode.js';

const bytes = (...values: number[]) => new Uint8Array(values);

t.test('valid UTF-8 is read as UTF-8 even when another charset is declared', async (t) => {
  const decoded = decodeBytes(new TextEncoder().encode('£5 café'), 'iso-8859-1');
  t.same(decoded, { text: '£5 café', charset: 'utf-8' });
});

t.test('invalid UTF-8 falls back to the declared charset, then Windows-1252', async (t) => {
  t.same(decodeBytes(bytes(0xa3, 0x35), 'iso-8859-1'), { text: '£5', charset: 'iso-8859-1 (declared)' });
  t.same(decodeBytes(bytes(0xa3, 0x35, 0x20, 0x80), null), { text: '£5 €', charset: 'windows-1252' });
  t.equal(decodeBytes(bytes(0x93, 0x68, 0x69, 0x94), 'no-such-charset').text, '“hi”');
});

t.test('UTF-16 with a byte-order mark is decoded, not refused for its NUL bytes', async (t) => {
  t.equal(decodeBytes(bytes(0xff, 0xfe, 0x68, 0x00, 0x69, 0x00), null).text, 'hi');
});

t.test('charset comes from the content type or the HTML head', async (t) => {
  t.equal(charsetFromContentType('text/html; charset="ISO-8859-1"'), 'iso-8859-1');
  t.equal(charsetFromContentType('text/plain'), null);
  t.equal(
    charsetFromHtmlHead(new TextEncoder().encode('<head><meta charset="windows-1252">')),
    'windows-1252',
  );
  t.equal(
    charsetFromHtmlHead(
      new TextEncoder().encode('<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'),
    ),
    'koi8-r',
  );
});

t.test('binary bodies are recognised by magic number, NUL bytes or control characters', async (t) => {
  t.match(binaryReason(new TextEncoder().encode('%PDF-1.7 …')), /PDF/);
  t.match(binaryReason(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a)), /PNG/);
  t.match(binaryReason(bytes(0x50, 0x4b, 0x03, 0x04)), /ZIP/);
  t.match(binaryReason(bytes(0xff, 0xd8, 0xff, 0xe0)), /JPEG/);
  t.match(binaryReason(new TextEncoder().encode('GIF89a')), /GIF/);
  t.match(binaryReason(bytes(0x41, 0x00, 0x42)), /NUL/);
  t.match(
    binaryReason(bytes(...Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41)))),
    /control/,
  );
  t.equal(binaryReason(new TextEncoder().encode('Plain words\n\tand a tab.')), null);
});

t.test('normalisation strips the BOM, unifies line ends and composes accents', async (t) => {
  t.equal(normalizeText('\ufeffa\r\nb\rc'), 'a\nb\nc');
  t.equal(normalizeText('cafe\u0301'), 'café');
  t.equal(normalizeText('a\u00a0b'), 'a b');
});

t.test('HTML entities in plain text are decoded', async (t) => {
  t.equal(decodeTextEntities('Fish &amp; chips &#8211; &ldquo;fresh&rdquo;'), 'Fish & chips – “fresh”');
});

t.test('percent escapes are decoded only where they decode cleanly', async (t) => {
  t.equal(decodePercentEscapes('after its %22liberation%22 from'), 'after its "liberation" from');
  t.equal(decodePercentEscapes('the city%E2%80%99s port'), 'the city’s port');
  t.equal(decodePercentEscapes('a rise of 50% in sales'), 'a rise of 50% in sales', 'a bare percentage');
  t.equal(decodePercentEscapes('50% of voters'), '50% of voters');
  t.equal(
    decodePercentEscapes('up 100%25 on last year'),
    'up 100%25 on last year',
    'digits before % mean a percentage',
  );
  t.equal(decodePercentEscapes('grew 7%20 times'), 'grew 7%20 times');
  t.equal(decodePercentEscapes('code %41BC'), 'code %41BC', 'an escaped letter is more likely a false hit');
  t.equal(decodePercentEscapes('bad %E2%80 bytes'), 'bad %E2%80 bytes', 'incomplete UTF-8 is left alone');
  t.equal(decodePercentEscapes('a %07 bell'), 'a %07 bell', 'control characters are never produced');
  t.equal(
    decodePercentEscapes('see https://example.com/a%20b%22c for %22more%22'),
    'see https://example.com/a%20b%22c for "more"',
    'URLs keep their escapes',
  );
});

t.test('UTF-8 but for a few bad bytes stays UTF-8, the bad bytes replaced and reported', async (t) => {
  const utf8 = Buffer.from('Café owners said £5 was too much for a coffee in “Zürich” this year', 'utf8');
  const decoded = decodeBytes(Buffer.concat([utf8, bytes(0xff), Buffer.from(' again.')]), null);
  t.equal(decoded.text, 'Café owners said £5 was too much for a coffee in “Zürich” this year\ufffd again.');
  t.equal(decoded.charset, 'utf-8');
  t.equal(decoded.warning?.code, 'invalid-utf8');
  t.match(decoded.warning?.message, /1 invalid byte sequence/);
  // A truncated character at the end is one bad sequence too.
  const truncated = decodeBytes(Buffer.concat([utf8, bytes(0xe2, 0x80)]), 'iso-8859-1');
  t.equal(truncated.charset, 'utf-8');
  t.ok(truncated.text.endsWith('year\ufffd'));
});

t.test('Windows-1252 text stays Windows-1252 even with a byte pair that happens to be UTF-8', async (t) => {
  // Raw 0xA3 pound signs, curly quotes from 0x93/0x94, and "Ã©" (C3 A9), which is valid UTF-8 for "é".
  const windows1252 = Buffer.concat([
    Buffer.from('Fares rise to ', 'latin1'),
    bytes(0xa3),
    Buffer.from('5 from ', 'latin1'),
    bytes(0xa3),
    Buffer.from('4, and the council called it ', 'latin1'),
    bytes(0x93),
    Buffer.from('fair', 'latin1'),
    bytes(0x94),
    Buffer.from(' at the Caf', 'latin1'),
    bytes(0xc3, 0xa9),
    Buffer.from(' meeting.', 'latin1'),
  ]);
  const decoded = decodeBytes(windows1252, null);
  t.equal(decoded.charset, 'windows-1252');
  t.equal(decoded.text, 'Fares rise to £5 from £4, and the council called it “fair” at the CafÃ© meeting.');
  t.equal(decoded.warning, undefined);
});

t.test('a genuine U+FFFD in valid UTF-8 does not count as a bad byte', async (t) => {
  const text = 'One \ufffd two \ufffd three \ufffd four';
  t.same(decodeBytes(Buffer.concat([Buffer.from(text), bytes(0xa3)]), null).text, `${text}\ufffd`);
});
