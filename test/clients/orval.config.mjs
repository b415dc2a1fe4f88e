// Orval writes one fetch function per operation: `splitByContentType` gives an operation with several
// request media types one function per type, each sending its own Content-Type; `headers` adds the
// documented header parameters (If-None-Match, Idempotency-Key) to the functions' arguments.
export default {
  gazette: {
    input: { target: '../../openapi/openapi.json' },
    output: {
      target: './generated/orval/gazette.ts',
      client: 'fetch',
      baseUrl: process.env.GAZETTE_URL,
      headers: true,
      override: { splitByContentType: true },
    },
  },
};
