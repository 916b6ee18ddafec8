package io.tensorpool.client;

import io.tensorpool.shm.StreamLayout;
import io.tensorpool.shm.StreamRegions;

/**
 * The region-acquisition seam of a producer: where its SHM regions and epoch come from, and who announces them.
 * <p>
 * The producer calls {@link #open} once from {@code TensorPoolProducer}'s constructor, then {@link #doWork} on every
 * duty cycle and reads {@link #regions()}: whenever that returns a different instance (or null), the producer switches
 * to it, resets {@code seq} to 0 (Wire §15.2), and announces it if {@link #producerAnnounces()}. While it is null,
 * {@code tryClaim} returns {@link TensorPoolProducer#NOT_READY}.
 * <ul>
 * <li>{@link StandaloneRegionSource} (the default) creates the regions itself in the Wire §15.21a.3 layout at an
 * epoch above any existing one for the instance, refreshes their activity timestamps, and lets the producer publish
 * {@code ShmPoolAnnounce}.</li>
 * <li>A driver-attached source (Driver Model) attaches through the SHM driver, maps the regions the driver created,
 * keeps its lease alive in {@link #doWork}, reports revocation by returning null or new regions, and returns false
 * from {@link #producerAnnounces()} because the driver is the authoritative announcer.</li>
 * </ul>
 * Implementations are driven from the producer's thread only.
 */
public interface ProducerRegionSource extends AutoCloseable
{
    /**
     * Start acquiring regions for the producer configured by {@code context} (already concluded). May complete
     * synchronously (standalone) or later in {@link #doWork}.
     *
     * @throws RuntimeException with a message naming the problem if regions can never be acquired.
     */
    void open(TensorPoolProducer.Context context);

    /**
     * Duty cycle: keepalives, activity refresh, attach progress.
     *
     * @return amount of work done, 0 when idle.
     */
    int doWork(long nowNs);

    /** The writable regions of the current epoch, or null while none are usable. */
    StreamRegions regions();

    /** The layout of {@link #regions()} as it is announced, or null. */
    StreamLayout layout();

    /** True if the producer must publish {@code ShmPoolAnnounce} itself (standalone mode, Wire §10.1.1). */
    boolean producerAnnounces();

    /**
     * Replace the regions by new ones with a different geometry at a higher epoch (Wire §15.2: a layout change bumps
     * the epoch). {@link #regions()} returns the new regions afterwards.
     *
     * @throws UnsupportedOperationException if this source does not own the layout (e.g. the driver does).
     */
    default void changeLayout(final int headerNslots, final int[] poolIds, final int[] poolStrides, final long nowNs)
    {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot change the layout");
    }

    /** Release the regions (standalone: unmap and remove the epoch directory; driver: detach). */
    @Override
    void close();
}
