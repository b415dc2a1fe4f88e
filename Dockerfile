# Build stage: bundle the TypeScript and keep only production dependencies.
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY scripts/build.ts ./scripts/
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Runtime stage: the bundle, migrations and seeds, running as the unprivileged `node` user.
FROM node:24-bookworm-slim
# MALLOC_ARENA_MAX: compression runs on libuv's thread pool, and glibc gives each of its threads a
# heap of its own that keeps freed memory (README, Memory).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=file:/data/gazette.db \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations
COPY seeds ./seeds
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD node -e "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# As `npm start`: a small young generation keeps short-lived garbage from growing RSS (README).
CMD ["node", "--max-semi-space-size=4", "--max-old-space-size=1024", "dist/cli.js", "serve"]
