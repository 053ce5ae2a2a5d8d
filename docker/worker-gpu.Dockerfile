# syntax=docker/dockerfile:1
# A Pipewright GPU worker: tfjs-node-gpu (libtensorflow with CUDA 11.8 / cuDNN 8) first, WebGPU through the
# Vulkan loader next. Run with the NVIDIA container toolkit (`--gpus all`, or nvidia.com/gpu on Kubernetes).
# Build from the repository root: docker build -f docker/worker-gpu.Dockerfile -t pipewright-worker-gpu .

FROM node:24-bookworm-slim AS node

FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04 AS build
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s /usr/local/lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && apt-get update && apt-get install -y --no-install-recommends ca-certificates python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# tfjs-node-gpu's install script fetches libtensorflow for CUDA (allowed in package.json allowScripts).
RUN npm ci && npm install --no-save @tensorflow/tfjs-node-gpu@4.22.0 && npm prune --omit=dev

FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04
# libvulkan1: the Vulkan loader Dawn (the webgpu package) needs; the toolkit mounts the NVIDIA ICD when
# the graphics capability is asked for.
RUN apt-get update && apt-get install -y --no-install-recommends libvulkan1 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 pipewright && useradd --uid 10001 --gid 10001 --no-create-home pipewright \
 && mkdir -p /var/lib/pipewright && chown pipewright:pipewright /var/lib/pipewright
COPY --from=node /usr/local/bin/node /usr/local/bin/node
ENV NODE_ENV=production \
    PIPEWRIGHT_HOME=/var/lib/pipewright \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/scripts/gpu-check.mjs ./scripts/gpu-check.mjs
COPY --from=build /app/nodes/package.json ./nodes/package.json
COPY --from=build /app/nodes/dist ./nodes/dist
COPY --from=build /app/server/package.json ./server/package.json
COPY --from=build /app/server/dist ./server/dist
COPY --from=build /app/migrations/dist ./migrations/dist
COPY --from=build /app/examples ./examples
USER 10001:10001
CMD ["node", "server/dist/cli/main.js", "worker"]
