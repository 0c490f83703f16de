# Production image: build with the full toolchain, run on a slim image as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /airlock
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && node dist/proxy/cli/main.js policy test rego/ \
 && node dist/proxy/cli/main.js policy build rego/ -e airlock/decision -o /airlock/policy.wasm \
 && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /airlock
COPY --from=build /airlock/package.json ./
COPY --from=build /airlock/node_modules ./node_modules
COPY --from=build /airlock/dist ./dist
COPY --from=build /airlock/bin ./bin
COPY --from=build /airlock/rego ./rego
COPY --from=build /airlock/policy.wasm ./policy.wasm
RUN mkdir -p /var/lib/airlock && chown node:node /var/lib/airlock
USER node
VOLUME /var/lib/airlock
ENTRYPOINT ["node", "/airlock/bin/airlock.js"]
