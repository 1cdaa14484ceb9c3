# syntax=docker/dockerfile:1
# Concerto's production image: the compiled JavaScript (npm run build) on Node 20, production
# dependencies only, as the unprivileged `node` user. No database inside: set MONGODB_URI
# (compose.yaml runs a three-member replica set beside it). See README, "Deployment".
ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Compile: every dependency (TypeScript), then dist/ with the files read at run time.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build-dist.ts scripts/
COPY bin bin
COPY bot bot
COPY dialogs dialogs
COPY locales locales
COPY storage storage
RUN npm run build

# 2. Production dependencies only, without the npm cache.
FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. What runs: node_modules, dist/ and package.json ("type": "module"), nothing else.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The image's unprivileged `node` user (uid and gid 1000), numeric so that no name lookup is needed.
USER 1000:1000
EXPOSE 3000
# Liveness only (/healthz): the reverse proxy routes by /readyz (database up, migrations done).
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# serve stops gracefully on SIGTERM within 10 s (compose gives it 15 s before SIGKILL).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/bin/concerto.js"]
CMD ["serve"]
