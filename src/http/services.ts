import fp from 'fastify-plugin';
import type { Services } from '../services/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** What the product does; the one way routes and hooks reach it. */
    services: Services;
  }
}

/** Makes the app's services available to every plugin and route as `app.services`. */
export const servicesDecorator = fp<{ services: Services }>(
  async (app, { services }) => {
    app.decorate('services', services);
  },
  { name: 'gazette-services', fastify: '5.x' },
);
