package io.tensorpool.shm;

import org.agrona.concurrent.UnsafeBuffer;

/** A mapped payload pool (Wire §9): {@code nslots} payload slots of {@code strideBytes} after the superblock. */
public final class PayloadPool
{
    private final MappedRegion region;
    private final int poolId;
    private final int strideBytes;
    private final int nslots;
    private final long baseAddress;

    /**
     * @param region a mapped {@code PAYLOAD_POOL} region.
     */
    public PayloadPool(final MappedRegion region)
    {
        this.region = region;
        this.poolId = region.spec().poolId();
        this.strideBytes = region.spec().strideBytes();
        this.nslots = region.spec().nslots();
        this.baseAddress = region.buffer().addressOffset();
    }

    /** The pool id announced and stored in the superblock and in each slot header. */
    public int poolId()
    {
        return poolId;
    }

    /** Bytes between payload slots: a power of two, a multiple of the page size. */
    public int strideBytes()
    {
        return strideBytes;
    }

    /** Number of payload slots, equal to the header ring's (Wire §15.5). */
    public int nslots()
    {
        return nslots;
    }

    /** The mapped file behind the pool. */
    public MappedRegion region()
    {
        return region;
    }

    /** Point {@code view} at {@code length} bytes of payload slot {@code slot}; no allocation. */
    public void wrapSlot(final UnsafeBuffer view, final int slot, final int length)
    {
        view.wrap(baseAddress + ShmLayout.payloadSlotOffset(slot, strideBytes), length);
    }

    /** Offset of payload slot {@code slot} within {@link MappedRegion#buffer()}. */
    public int slotOffset(final int slot)
    {
        return (int)ShmLayout.payloadSlotOffset(slot, strideBytes);
    }
}
