# parkqa: the HTTP API (and the Telegram bot when TELEGRAM_BOT_TOKEN is set) as plain node, no tsx.
#   docker build -t parkqa .
#   docker run -p 3000:3000 -v parkqa-index:/data -v "$PWD/corpus:/app/corpus:ro" parkqa

# Build stage: dev dependencies, and the toolchain hnswlib-node compiles itself with.
FROM node:20-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Runtime stage: the compiled server, production dependencies (the native addon already built), prompts.
FROM node:20-slim
ENV NODE_ENV=production \
    PORT=3000 \
    CORPUS_DIR=/app/corpus \
    INDEX_DIR=/data/index
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY prompts ./prompts
COPY corpus ./corpus
# The index is written at start (an incremental ingest) and by hot reloads: a volume the
# unprivileged user owns.
RUN mkdir -p /data/index && chown -R node:node /data
VOLUME /data
USER node
EXPOSE 3000
# /healthz is 503 until the first index is served: a large corpus's first ingest needs the start period.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and gets docker stop's SIGTERM itself; SHUTDOWN_GRACE_MS (8 s) is below its 10 s.
STOPSIGNAL SIGTERM
CMD ["node", "dist/interfaces/http/main.js"]
