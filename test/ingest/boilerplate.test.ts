import t from 'tap';
import { boilerplateKind } from '../../src/ingest/boilerplate.js';
import { parseArticle } from '../../src/ingest/parse.js';

t.test('appeals, newsletters, share rows, related lists, cookies and adverts are recognised', async (t) => {
  t.equal(
    boilerplateKind('Support our independent journalism today with a one-time or monthly donation.'),
    'appeal',
  );
  t.equal(
    boilerplateKind('Sign up for our free newsletter and get the best stories in your inbox.'),
    'newsletter',
  );
  t.equal(boilerplateKind('Subscribe'), 'appeal', 'a bare subscribe button asks for a subscription');
  t.equal(boilerplateKind('Share this: Facebook | Twitter | Email'), 'share');
  t.equal(boilerplateKind('Click to share on WhatsApp (Opens in new window)'), 'share');
  t.equal(boilerplateKind('You may also like'), 'related');
  t.equal(boilerplateKind('Read more: Council approves new cycle lanes'), 'related');
  t.equal(
    boilerplateKind('We use cookies to improve your experience. By continuing you accept our cookie policy.'),
    'cookie',
  );
  t.equal(boilerplateKind('Advertisement'), 'advert');
  t.equal(boilerplateKind('Story continues below advertisement'), 'advert');
  t.equal(boilerplateKind('© 2026 The Coastal Gazette. All rights reserved.'), 'copyright');
  t.equal(boilerplateKind('Leave a comment'), 'comments');
  t.equal(boilerplateKind('Home | World | Business | Sport'), 'navigation');
});

t.test('news paragraphs that merely mention the words are kept', async (t) => {
  t.equal(
    boilerplateKind(
      'The company lost 464,000 subscribers in the quarter and will try to sign up customers of its rival for broadband.',
    ),
    null,
  );
  t.equal(
    boilerplateKind('The minister said the state would not make a contribution "in the form of a subsidy".'),
    null,
  );
  t.equal(
    boilerplateKind('Readers of the paper were asked in a survey whether they would pay for a subscription.'),
    null,
  );
  t.equal(boilerplateKind('The charity said donations had fallen by a fifth since the spring.'), null);
  t.equal(boilerplateKind('Share prices fell sharply on Tuesday.'), null);
});

const paragraph =
  'The council voted on Tuesday to keep the library open for another year after a long campaign by residents and staff.';

t.test(
  'an unpunctuated lead paragraph is not taken for a standfirst without a byline after it',
  async (t) => {
    const outcome = parseArticle({
      body: `Library saved for another year\n\nThe library in Easterleigh will stay open after residents raised the money to run it\n\n${paragraph}\n\n${paragraph}`,
      contentType: 'text/plain',
    });
    if (!outcome.ok) throw new Error(outcome.detail);
    t.equal(outcome.article.subtitle, null);
    t.equal(outcome.article.paragraphs.length, 3);
  },
);

t.test('a closing list of fixtures or table rows is not navigation', async (t) => {
  const outcome = parseArticle({
    body: `Cup draw made for the fourth round\n\n${paragraph}\n\n${paragraph}\n\nMarrowby v Falbrook\n\nGlenhollow v Port Alder\n\nEasterleigh v Kessington`,
    contentType: 'text/plain',
  });
  if (!outcome.ok) throw new Error(outcome.detail);
  t.same(outcome.removed, []);
  t.equal(outcome.article.paragraphs.length, 5);
});
