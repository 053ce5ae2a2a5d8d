# syntax=docker/dockerfile:1
# The Pipewright server: studio, API and Socket.IO on one port, no worker.
# Build from the repository root: docker build -f docker/server.Dockerfile -t pipewright-server .

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY . .
# `npm ci` runs the `prepare` script, which builds nodes, server and studio.
RUN npm ci && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    PIPEWRIGHT_HOME=/var/lib/pipewright \
    PORT=7400
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/nodes/package.json ./nodes/package.json
COPY --from=build /app/nodes/dist ./nodes/dist
COPY --from=build /app/server/package.json ./server/package.json
COPY --from=build /app/server/dist ./server/dist
COPY --from=build /app/migrations/dist ./migrations/dist
COPY --from=build /app/studio/package.json ./studio/package.json
COPY --from=build /app/studio/dist ./studio/dist
COPY --from=build /app/examples ./examples
COPY --from=build /app/templates ./templates
RUN mkdir -p /var/lib/pipewright && chown node:node /var/lib/pipewright
USER node
EXPOSE 7400
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||7400)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "server/dist/cli/main.js", "serve", "--no-worker"]
