# vigil in a container, for the Kubernetes Job in deploy/k8s/ and for CI.
#
#   docker build -t vigil:0.1.0 .
#   docker run --rm vigil:0.1.0 gate --target https://staging.example/ --out /tmp/out
#
# Stage 1 builds the release binary; stage 2 is a small runtime image that
# holds the binary, corpora/ and profiles/ (when the checkout has them) and
# runs as an unprivileged user. The working directory is /opt/vigil, so the
# default `--corpus corpora` finds the shipped corpus.

FROM rust:1.85-slim-bookworm AS build
WORKDIR /src
# The whole checkout, .git included, so gate.json records the commit.
COPY . .
RUN cargo build --release --locked \
 && mkdir -p profiles \
 && strip target/release/vigil

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /opt/vigil --shell /usr/sbin/nologin vigil
WORKDIR /opt/vigil
COPY --from=build /src/target/release/vigil /usr/local/bin/vigil
COPY --from=build /src/corpora ./corpora
COPY --from=build /src/profiles ./profiles
USER 10001:10001
ENTRYPOINT ["vigil"]
CMD ["--help"]
