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

    public PayloadPool(final MappedRegion region)
    {
        this.region = region;
        this.poolId = region.spec().poolId();
        this.strideBytes = region.spec().strideBytes();
        this.nslots = region.spec().nslots();
        this.baseAddress = region.buffer().addressOffset();
    }

    public int poolId()
    {
        return poolId;
    }

    public int strideBytes()
    {
        return strideBytes;
    }

    public int nslots()
    {
        return nslots;
    }

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
