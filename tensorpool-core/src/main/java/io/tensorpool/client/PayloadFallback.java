package io.tensorpool.client;

import io.aeron.ChannelUri;

/**
 * What a {@code payload_fallback_uri} from a {@code ConsumerConfig} with {@code use_shm = false} names (Wire §10.1.3,
 * §15.12). v1.1 reserves the bridge (Wire §12) but defines no bridged payload message, so this client does not
 * receive payloads in FALLBACK itself: it classifies the URI and hands it to the application's
 * {@link FallbackListener}, which owns the bridge. Undefined schemes are unsupported, as the spec requires.
 */
public enum PayloadFallback
{
    /** No URI given: nothing to fall back to; frames resume when SHM is allowed again. */
    NONE,
    /** An Aeron channel ({@code aeron:udp?...}, {@code aeron:ipc...}) that parses. */
    AERON,
    /** A custom bridge, {@code bridge://<id>} with a non-empty id. */
    BRIDGE,
    /** Any other scheme, an Aeron media other than udp/ipc, or an Aeron channel that does not parse (Wire §10.1.3: MUST be treated as unsupported). */
    UNSUPPORTED;

    private static final String BRIDGE_PREFIX = "bridge://";

    /** Classify a {@code payload_fallback_uri}; never throws. */
    public static PayloadFallback of(final String uri)
    {
        if (uri == null || uri.isEmpty())
        {
            return NONE;
        }
        if (uri.startsWith(BRIDGE_PREFIX))
        {
            final String id = uri.substring(BRIDGE_PREFIX.length());
            return !id.isEmpty() && id.chars().allMatch(c -> c > 0x20 && c < 0x7F && c != '/') ? BRIDGE : UNSUPPORTED;
        }
        if (uri.startsWith("aeron:"))
        {
            try
            {
                final String media = ChannelUri.parse(uri).media();
                return "udp".equals(media) || "ipc".equals(media) ? AERON : UNSUPPORTED;
            }
            catch (final RuntimeException ex)
            {
                return UNSUPPORTED;
            }
        }
        return UNSUPPORTED;
    }
}
