# syntax=docker/dockerfile:1
# Airlock's image: built with the full toolchain and dev dependencies, run on a slim image with production
# dependencies only, as the unprivileged `node` user, with its state on a volume.
#
#   docker build -t airlock .
#   docker run --init -p 127.0.0.1:8080:8080 -p 127.0.0.1:8081:8081 -v airlock-state:/var/lib/airlock \
#     -e AIRLOCK_PROD_ACCESS_KEY_ID -e AIRLOCK_PROD_SECRET_ACCESS_KEY \
#     -v "$PWD/airlock.yaml:/etc/airlock/airlock.yaml:ro" airlock
#   docker exec -it <container> airlock agent add deploy-bot --owner alice@example.com
#
# docs/operations.md ("Running in Docker") says what to mount and what to set.

# Both stages use the same Node major and Debian release: better-sqlite3's native module, compiled in the first,
# runs in the second.
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /airlock
# The full image carries python3, make and g++, which better-sqlite3 needs when no prebuilt binary fits.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The policy is compiled and its Rego tests run by Airlock's own compiler (no opa binary): a rego/ that does not
# compile, or whose tests fail, fails the build instead of the first start.
RUN npm run build \
 && node dist/proxy/cli/main.js policy test rego/ \
 && node dist/proxy/cli/main.js policy build rego/ -e airlock/decision -o /tmp/airlock-policy.wasm \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    AIRLOCK_CONFIG=/etc/airlock/airlock.yaml \
    PATH=/airlock/bin:$PATH
WORKDIR /airlock
COPY --from=build /airlock/package.json ./
COPY --from=build /airlock/node_modules ./node_modules
COPY --from=build /airlock/dist ./dist
COPY --from=build /airlock/bin ./bin
COPY --from=build /airlock/rego ./rego
# The default configuration binds both ports on every interface, which a container needs to be reached at all.
# Mount your own airlock.yaml over it, with absolute paths (relative ones resolve against /etc/airlock).
COPY <<'EOF' /etc/airlock/airlock.yaml
listen: 0.0.0.0:8080
api: 0.0.0.0:8081
state_dir: /var/lib/airlock
policy:
  dir: /airlock/rego
EOF
RUN mkdir -p /var/lib/airlock \
 && chown node:node /var/lib/airlock \
 && chmod 0700 /var/lib/airlock \
 && ln -s /airlock/bin/airlock.js /airlock/bin/airlock
USER node
# The CA key, agent secrets, keys and the database: everything Airlock must not lose (docs/operations.md).
VOLUME ["/var/lib/airlock"]
EXPOSE 8080 8081
# /v1/health on the default configuration's API port; a configuration that moves `api` must override this.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8081/v1/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/airlock/bin/airlock.js"]
CMD ["serve"]
