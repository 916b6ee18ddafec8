package io.tensorpool.client;

/**
 * Told when the producer or a supervisor moves this consumer off shared memory ({@code ConsumerConfig} with
 * {@code use_shm = false}, Wire §10.1.3) and when it is allowed back. While in FALLBACK the consumer maps nothing and
 * delivers no frames; an application with a bridge (Wire §12) connects it to {@code payloadFallbackUri} here. Called
 * on the consumer's polling thread.
 */
public interface FallbackListener
{
    /**
     * The consumer entered FALLBACK.
     *
     * @param payloadFallbackUri the URI as received (may be empty).
     * @param kind               what the URI names; {@link PayloadFallback#UNSUPPORTED} must not be followed.
     */
    void onFallback(int streamId, String payloadFallbackUri, PayloadFallback kind);

    /** A later {@code ConsumerConfig} allowed SHM again; the consumer maps on the next announce. */
    default void onShmAllowed(final int streamId)
    {
    }
}
