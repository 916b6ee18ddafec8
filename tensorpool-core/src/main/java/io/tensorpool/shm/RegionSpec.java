package io.tensorpool.shm;

import io.tensorpool.codecs.wire.RegionType;

import java.util.Objects;

/**
 * What a region must be: the superblock fields fixed at creation and announced in {@code ShmPoolAnnounce} or an
 * attach response (Wire §7.1, §15.1). Immutable.
 */
public final class RegionSpec
{
    private final RegionType regionType;
    private final int streamId;
    private final long epoch;
    private final int poolId;
    private final int nslots;
    private final int strideBytes;
    private final int layoutVersion;

    private RegionSpec(
        final RegionType regionType,
        final int streamId,
        final long epoch,
        final int poolId,
        final int nslots,
        final int strideBytes,
        final int layoutVersion)
    {
        this.regionType = regionType;
        this.streamId = streamId;
        this.epoch = epoch;
        this.poolId = poolId;
        this.nslots = nslots;
        this.strideBytes = strideBytes;
        this.layoutVersion = layoutVersion;
    }

    /** A header ring of {@code nslots} 256-byte slots; nslots must be a power of two. */
    public static RegionSpec headerRing(final int streamId, final long epoch, final int nslots)
    {
        checkNslots(nslots);
        return new RegionSpec(RegionType.HEADER_RING, streamId, epoch, 0, nslots, 0, ShmLayout.LAYOUT_VERSION);
    }

    /** A payload pool; the stride must satisfy {@link #checkStride(long, long)} with the standard page size. */
    public static RegionSpec payloadPool(
        final int streamId, final long epoch, final int poolId, final int nslots, final int strideBytes)
    {
        checkNslots(nslots);
        if (poolId < 0 || poolId > 0xFFFF)
        {
            throw new ShmValidationException("pool_id must fit in u16, was " + poolId);
        }
        checkStride(strideBytes & 0xFFFF_FFFFL, ShmLayout.PAGE_SIZE);
        final long size = ShmLayout.payloadPoolSize(nslots, strideBytes);
        if (size > Integer.MAX_VALUE)
        {
            throw new ShmValidationException("payload pool of " + nslots + " slots x " + strideBytes +
                " bytes is " + size + " bytes; this implementation maps regions up to " + Integer.MAX_VALUE);
        }
        return new RegionSpec(
            RegionType.PAYLOAD_POOL, streamId, epoch, poolId, nslots, strideBytes, ShmLayout.LAYOUT_VERSION);
    }

    /** Header ring nslots: a power of two (Wire §3) and small enough to map. */
    public static void checkNslots(final long nslots)
    {
        if (!ShmLayout.isPowerOfTwo(nslots))
        {
            throw new ShmValidationException("nslots must be a power of two, was " + nslots);
        }
        if (ShmLayout.headerRingSize((int)Math.min(nslots, Integer.MAX_VALUE)) > Integer.MAX_VALUE ||
            nslots > Integer.MAX_VALUE)
        {
            throw new ShmValidationException("nslots too large to map, was " + nslots);
        }
    }

    /**
     * Wire §15.22 and SPEC_DECISIONS: a stride is a power of two and a multiple of the backing page size (4096, or
     * the hugepage size when hugepages are required).
     */
    public static void checkStride(final long strideBytes, final long pageSize)
    {
        if (!ShmLayout.isPowerOfTwo(strideBytes))
        {
            throw new ShmValidationException("stride_bytes must be a power of two, was " + strideBytes);
        }
        if (strideBytes % pageSize != 0)
        {
            throw new ShmValidationException(
                "stride_bytes must be a multiple of the page size " + pageSize + ", was " + strideBytes);
        }
    }

    /** Header ring or payload pool. */
    public RegionType regionType()
    {
        return regionType;
    }

    /** The stream the region belongs to (u32 in an int). */
    public int streamId()
    {
        return streamId;
    }

    /** The epoch the region belongs to (u64 in a long). */
    public long epoch()
    {
        return epoch;
    }

    /** Pool id; 0 for a header ring. */
    public int poolId()
    {
        return poolId;
    }

    /** Number of slots, a power of two. */
    public int nslots()
    {
        return nslots;
    }

    /** Superblock slot_bytes as written (SPEC_DECISIONS): 256 for a header ring, the stride for a pool. */
    public int slotBytes()
    {
        return regionType == RegionType.HEADER_RING ? ShmLayout.HEADER_SLOT_BYTES : strideBytes;
    }

    /** Superblock stride_bytes as written (SPEC_DECISIONS): 0 for a header ring, the stride for a pool. */
    public int strideBytes()
    {
        return strideBytes;
    }

    /** The SHM layout version (1). */
    public int layoutVersion()
    {
        return layoutVersion;
    }

    /** Bytes the file needs: 64 + nslots x slot size. */
    public long fileSize()
    {
        return regionType == RegionType.HEADER_RING ?
            ShmLayout.headerRingSize(nslots) : ShmLayout.payloadPoolSize(nslots, strideBytes);
    }

    @Override
    public boolean equals(final Object o)
    {
        if (!(o instanceof RegionSpec))
        {
            return false;
        }
        final RegionSpec that = (RegionSpec)o;
        return regionType == that.regionType && streamId == that.streamId && epoch == that.epoch &&
            poolId == that.poolId && nslots == that.nslots && strideBytes == that.strideBytes &&
            layoutVersion == that.layoutVersion;
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(regionType, streamId, epoch, poolId, nslots, strideBytes, layoutVersion);
    }

    @Override
    public String toString()
    {
        return "RegionSpec{" + regionType + " stream=" + Integer.toUnsignedString(streamId) + " epoch=" + epoch +
            " pool=" + poolId + " nslots=" + nslots + " stride=" + strideBytes + " layout=" + layoutVersion + "}";
    }
}
