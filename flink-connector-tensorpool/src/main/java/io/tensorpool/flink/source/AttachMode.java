package io.tensorpool.flink.source;

import org.apache.flink.annotation.PublicEvolving;

/**
 * How readers reach a stream's shared memory.
 */
@PublicEvolving
public enum AttachMode
{
    /**
     * Through the host's tensorpool driver (Driver Model): each split holds a consumer lease, kept alive by the
     * reader's polling, and follows the driver's epoch changes.
     */
    DRIVER,
    /** Directly from the producer's announces (Wire §10.1.1 standalone mode), without a driver. */
    STANDALONE
}
