package io.tensorpool.driver.client;

import io.tensorpool.shm.StreamLayout;

/** Receives decoded {@code ShmPoolAnnounce} messages from a {@link PoolAnnouncePoller}. */
@FunctionalInterface
public interface PoolAnnounceListener
{
    /**
     * An announce whose layout differs from the previous one delivered for that stream (a new epoch, typically).
     * The layout has passed {@link StreamLayout#validate()}.
     *
     * @param producerId the attached producer's clientId, 0 when no producer is attached (Driver §8).
     */
    void onPoolAnnounce(StreamLayout layout, int producerId, long announceTimestampNs);
}
