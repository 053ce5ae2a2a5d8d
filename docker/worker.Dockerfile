# syntax=docker/dockerfile:1
# A Pipewright worker: takes node jobs from the queue (DuckDB data nodes, TensorFlow.js training on the CPU).
# Build from the repository root: docker build -f docker/worker.Dockerfile -t pipewright-worker .

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY . .
# `npm ci` runs the `prepare` script (the build); tfjs-node's libtensorflow is fetched by its install script.
RUN npm ci && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    PIPEWRIGHT_HOME=/var/lib/pipewright
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/nodes/package.json ./nodes/package.json
COPY --from=build /app/nodes/dist ./nodes/dist
COPY --from=build /app/server/package.json ./server/package.json
COPY --from=build /app/server/dist ./server/dist
COPY --from=build /app/migrations/dist ./migrations/dist
COPY --from=build /app/examples ./examples
RUN mkdir -p /var/lib/pipewright && chown node:node /var/lib/pipewright
USER node
CMD ["node", "server/dist/cli/main.js", "worker"]
