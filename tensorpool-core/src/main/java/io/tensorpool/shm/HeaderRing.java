package io.tensorpool.shm;

import io.tensorpool.codecs.wire.RegionType;
import org.agrona.concurrent.UnsafeBuffer;

/** A mapped header ring (Wire §8): {@code nslots} 256-byte slots after the superblock, nslots a power of two. */
public final class HeaderRing
{
    private final MappedRegion region;
    private final UnsafeBuffer buffer;
    private final int nslots;
    private final int mask;

    /**
     * @param region a mapped {@code HEADER_RING} region.
     * @throws ShmValidationException if the region is a payload pool.
     */
    public HeaderRing(final MappedRegion region)
    {
        if (region.spec().regionType() != RegionType.HEADER_RING)
        {
            throw new ShmValidationException("region " + region.path() + " is a " + region.spec().regionType() +
                ", not a HEADER_RING");
        }
        this.region = region;
        this.buffer = region.buffer();
        this.nslots = region.spec().nslots();
        this.mask = nslots - 1;
    }

    /** Number of 256-byte slots, a power of two. */
    public int nslots()
    {
        return nslots;
    }

    /** Wire §15.18: {@code header_index = seq & (nslots - 1)}. */
    public int indexOf(final long seq)
    {
        return (int)(seq & mask);
    }

    /** Offset of slot {@code index} within {@link #buffer()}. */
    public int slotOffset(final int index)
    {
        return (int)ShmLayout.headerSlotOffset(index);
    }

    /** The whole region, superblock included. */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /** The mapped file behind the ring. */
    public MappedRegion region()
    {
        return region;
    }

    /** Acquire-load the commit word of slot {@code index}. */
    public long seqCommitAcquire(final int index)
    {
        return buffer.getLongAcquire(slotOffset(index));
    }
}
