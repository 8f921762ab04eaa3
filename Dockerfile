# One image for the broker and the shop's agents: `starling` and `shop` on a slim Ubuntu.
#
#   docker build -t starling-shop .
#   docker run --rm -p 1883:1883 starling-shop                         the broker
#   docker run --rm -e MQTT_HOST=host.docker.internal starling-shop shop order
#
# The binaries link the Swift runtime and Foundation statically (--static-swift-stdlib), so the
# run stage needs no Swift toolchain, only the C and C++ runtime libraries of its base image.

ARG SWIFT_VERSION=6.3

FROM swift:${SWIFT_VERSION}-noble AS build
WORKDIR /src
# Tests/ too: the manifest declares the test targets, though only the two products are built.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product starling \
    && swift build -c release --static-swift-stdlib --product shop \
    && mkdir /out \
    && cp "$(swift build -c release --static-swift-stdlib --show-bin-path)/starling" /out/ \
    && cp "$(swift build -c release --static-swift-stdlib --show-bin-path)/shop" /out/

FROM ubuntu:noble
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libstdc++6 tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --no-create-home --uid 10001 starling
COPY --from=build /out/starling /out/shop /usr/local/bin/
COPY deploy/starling.conf /etc/starling/starling.conf
USER starling
EXPOSE 1883
# Both starling and shop stop cleanly on SIGTERM, what `docker stop` sends.
STOPSIGNAL SIGTERM
CMD ["starling", "-c", "/etc/starling/starling.conf"]
