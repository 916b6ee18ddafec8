package io.tensorpool.shm;

import io.tensorpool.codecs.wire.RegionType;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.DirectBuffer;

import static io.tensorpool.shm.ShmLayout.*;

/**
 * Reads, writes and validates the 64-byte region superblock (Wire §7.1) in place. Validation is strict on every field
 * (Wire §15.1), with the two tolerances settled in SPEC_DECISIONS for the unspecified slot/stride values.
 */
public final class Superblock
{
    /** A pool superblock slot_bytes value written by one other implementation (SPEC_DECISIONS). */
    public static final long POOL_SLOT_BYTES_UNSET = 0xFFFF_FFFFL;

    private Superblock()
    {
    }

    /** Write every superblock field; activity is set to {@code nowNs}, which must not be 0. */
    public static void write(
        final AtomicBuffer buffer, final RegionSpec spec, final long pid, final long startNs, final long nowNs)
    {
        buffer.setMemory(0, SUPERBLOCK_SIZE, (byte)0);
        buffer.putLong(SB_MAGIC_OFFSET, MAGIC);
        buffer.putInt(SB_LAYOUT_VERSION_OFFSET, spec.layoutVersion());
        buffer.putLong(SB_EPOCH_OFFSET, spec.epoch());
        buffer.putInt(SB_STREAM_ID_OFFSET, spec.streamId());
        buffer.putShort(SB_REGION_TYPE_OFFSET, spec.regionType().value());
        buffer.putShort(SB_POOL_ID_OFFSET, (short)spec.poolId());
        buffer.putInt(SB_NSLOTS_OFFSET, spec.nslots());
        buffer.putInt(SB_SLOT_BYTES_OFFSET, spec.slotBytes());
        buffer.putInt(SB_STRIDE_BYTES_OFFSET, spec.strideBytes());
        buffer.putLong(SB_PID_OFFSET, pid);
        buffer.putLong(SB_START_TIMESTAMP_OFFSET, nonZero(startNs));
        buffer.putLongRelease(SB_ACTIVITY_TIMESTAMP_OFFSET, nonZero(nowNs));
    }

    /** Refresh activity_timestamp_ns (Wire §7.1, §15.14). A writer never writes 0 (SPEC_DECISIONS). */
    public static void refreshActivity(final AtomicBuffer buffer, final long nowNs)
    {
        buffer.putLongRelease(SB_ACTIVITY_TIMESTAMP_OFFSET, nonZero(nowNs));
    }

    /** Volatile read of {@code activity_timestamp_ns}. */
    public static long activityTimestampNs(final AtomicBuffer buffer)
    {
        return buffer.getLongVolatile(SB_ACTIVITY_TIMESTAMP_OFFSET);
    }

    /** Fresh when the activity timestamp is non-zero and not older than {@code windowNs} before {@code nowNs}. */
    public static boolean isFresh(final AtomicBuffer buffer, final long nowNs, final long windowNs)
    {
        final long activity = activityTimestampNs(buffer);
        return activity != 0 && nowNs - activity <= windowNs;
    }

    /** The {@code magic} field. */
    public static long magic(final DirectBuffer buffer)
    {
        return buffer.getLong(SB_MAGIC_OFFSET);
    }

    /** The {@code epoch} field. */
    public static long epoch(final DirectBuffer buffer)
    {
        return buffer.getLong(SB_EPOCH_OFFSET);
    }

    /** The {@code pid} field (informational, Wire §15.1). */
    public static long pid(final DirectBuffer buffer)
    {
        return buffer.getLong(SB_PID_OFFSET);
    }

    /**
     * Check every field against the expected spec.
     *
     * @throws ShmValidationException naming the first field that differs, with both values.
     */
    public static void validate(final DirectBuffer buffer, final RegionSpec expected, final String where)
    {
        if (buffer.capacity() < SUPERBLOCK_SIZE)
        {
            throw new ShmValidationException(where + ": region smaller than the 64-byte superblock: " +
                buffer.capacity());
        }
        final long magic = buffer.getLong(SB_MAGIC_OFFSET);
        if (magic != MAGIC)
        {
            throw new ShmValidationException(where + ": bad superblock magic 0x" + Long.toHexString(magic) +
                ", expected 0x" + Long.toHexString(MAGIC) + " (TPOLSHM1)");
        }
        check(where, "layout_version", buffer.getInt(SB_LAYOUT_VERSION_OFFSET) & 0xFFFF_FFFFL,
            expected.layoutVersion());
        final long epoch = buffer.getLong(SB_EPOCH_OFFSET);
        if (epoch != expected.epoch())
        {
            throw new ShmValidationException(where + ": superblock epoch " + Long.toUnsignedString(epoch) +
                " does not match announced epoch " + Long.toUnsignedString(expected.epoch()));
        }
        check(where, "stream_id", buffer.getInt(SB_STREAM_ID_OFFSET) & 0xFFFF_FFFFL,
            expected.streamId() & 0xFFFF_FFFFL);
        final short regionType = buffer.getShort(SB_REGION_TYPE_OFFSET);
        if (regionType != expected.regionType().value())
        {
            throw new ShmValidationException(where + ": superblock region_type " + regionType +
                " does not match expected " + expected.regionType() + " (" + expected.regionType().value() + ")");
        }
        check(where, "pool_id", buffer.getShort(SB_POOL_ID_OFFSET) & 0xFFFF, expected.poolId());
        check(where, "nslots", buffer.getInt(SB_NSLOTS_OFFSET) & 0xFFFF_FFFFL, expected.nslots());

        final long slotBytes = buffer.getInt(SB_SLOT_BYTES_OFFSET) & 0xFFFF_FFFFL;
        final long strideBytes = buffer.getInt(SB_STRIDE_BYTES_OFFSET) & 0xFFFF_FFFFL;
        if (expected.regionType() == RegionType.HEADER_RING)
        {
            check(where, "slot_bytes", slotBytes, HEADER_SLOT_BYTES);
            if (strideBytes != 0 && strideBytes != HEADER_SLOT_BYTES)
            {
                throw new ShmValidationException(where + ": header ring superblock stride_bytes " + strideBytes +
                    " must be 0 or 256");
            }
        }
        else
        {
            check(where, "stride_bytes", strideBytes, expected.strideBytes() & 0xFFFF_FFFFL);
            if (slotBytes != strideBytes && slotBytes != POOL_SLOT_BYTES_UNSET)
            {
                throw new ShmValidationException(where + ": payload pool superblock slot_bytes " + slotBytes +
                    " must equal stride_bytes " + strideBytes);
            }
        }
    }

    private static void check(final String where, final String field, final long actual, final long expected)
    {
        if (actual != expected)
        {
            throw new ShmValidationException(where + ": superblock " + field + " " + actual +
                " does not match expected " + expected);
        }
    }

    private static long nonZero(final long nowNs)
    {
        return nowNs == 0 ? 1 : nowNs;
    }
}
