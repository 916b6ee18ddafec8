package io.tensorpool.client;

import io.aeron.Publication;
import io.tensorpool.control.WireMessageEncoder;

/**
 * The one way the clients put a message on a publication: offer what the shared {@link WireMessageEncoder} just
 * encoded, retrying {@code ADMIN_ACTION} a few times as Aeron asks. Separate so that the producer's descriptor,
 * progress, metadata and consumer-session paths and the consumer's hello and QoS agree on that policy without
 * depending on either client class.
 */
final class EncodedOffer
{
    private static final int ADMIN_ACTION_RETRIES = 3;

    private EncodedOffer()
    {
    }

    /**
     * Offer the first {@code length} bytes of the encoder's buffer. Never blocks.
     *
     * @return the publication's result: a position, or a negative {@link Publication} code.
     */
    static long offer(final Publication publication, final WireMessageEncoder encoder, final int length)
    {
        long result = publication.offer(encoder.buffer(), 0, length);
        // ADMIN_ACTION (e.g. term rotation) clears itself; anything else is for the caller to count
        for (int retries = 0; result == Publication.ADMIN_ACTION && retries < ADMIN_ACTION_RETRIES; retries++)
        {
            result = publication.offer(encoder.buffer(), 0, length);
        }
        return result;
    }
}
