package io.tensorpool.shm;

import io.tensorpool.codecs.wire.MessageHeaderEncoder;
import io.tensorpool.tensor.TensorLayoutRules;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.VarHandle;

import static io.tensorpool.shm.ShmLayout.*;

/**
 * Producer write path (Wire §8.3, §15.18): claim a slot for sequence {@code seq} (IN-PROGRESS with release, then a
 * store-store fence), let the caller write the payload in place, then write the whole header and store COMMITTED with
 * release. Single writer per stream; no allocation.
 */
public final class SlotWriter
{
    /** {@link #claim} result: no pool is large enough; the frame must be dropped (Wire §9). */
    public static final int NO_POOL_FITS = -1;
    /** {@link #claim} result: a claim is already open. */
    public static final int CLAIM_OPEN = -2;
    /**
     * {@link #claim} result: the sequence does not fit the commit word. {@code seq_commit} carries the sequence in its
     * upper 63 bits (Wire §8.3), so a sequence must be in {@code [0, 2^63)}.
     */
    public static final int SEQUENCE_OUT_OF_RANGE = -3;
    /** {@link #claim} result: the length is negative. */
    public static final int NEGATIVE_LENGTH = -4;

    private final StreamRegions regions;
    private final HeaderRing ring;
    private final UnsafeBuffer header;
    private final long[] scratchStrides = new long[MAX_DIMS];
    private boolean claimOpen;

    /**
     * @param regions the producer's read-write regions; this writer must be their only writer (Wire §15.14).
     */
    public SlotWriter(final StreamRegions regions)
    {
        this.regions = regions;
        this.ring = regions.headerRing();
        this.header = ring.buffer();
    }

    /** The regions this writer writes. */
    public StreamRegions regions()
    {
        return regions;
    }

    /**
     * Claim the slot for {@code seq} with room for {@code length} payload bytes: selects the smallest pool whose stride
     * fits (Wire §9), stores IN-PROGRESS into the slot's commit word with release semantics and a store-store fence
     * (so no later payload or header store can overtake it), and points {@link FrameClaim#buffer()} at the payload
     * slot {@code header_index} of that pool. Nothing is written when a negative code is returned.
     *
     * @return the header index ({@code seq & (nslots - 1)}), or {@link #NO_POOL_FITS}, {@link #CLAIM_OPEN},
     * {@link #SEQUENCE_OUT_OF_RANGE} or {@link #NEGATIVE_LENGTH}.
     */
    public int claim(final long seq, final int length, final FrameClaim claim)
    {
        if (claimOpen)
        {
            return CLAIM_OPEN;
        }
        if (seq < 0)
        {
            return SEQUENCE_OUT_OF_RANGE;
        }
        if (length < 0)
        {
            return NEGATIVE_LENGTH;
        }
        final int poolIndex = regions.selectPool(length);
        if (poolIndex == StreamRegions.NO_POOL)
        {
            return NO_POOL_FITS;
        }
        final int index = ring.indexOf(seq);
        final int base = ring.slotOffset(index);
        header.putLongRelease(base + SLOT_SEQ_COMMIT_OFFSET, SeqCommit.inProgress(seq));
        // no payload or header store may become visible before IN-PROGRESS (SPEC_DECISIONS, seqlock ordering)
        VarHandle.storeStoreFence();

        claimOpen = true;
        claim.open = true;
        claim.writer = this;
        claim.seq = seq;
        claim.headerIndex = index;
        claim.poolIndex = poolIndex;
        claim.length = length;
        claim.ndims = 0;
        regions.pool(poolIndex).wrapSlot(claim.payload, index, length);
        return index;
    }

    int commit(final FrameClaim claim)
    {
        checkOpen(claim, "commit");
        claimOpen = false;
        claim.open = false;
        final int layout = TensorLayoutRules.validate(claim.dtype, claim.majorOrder, claim.ndims, claim.dims,
            claim.strides, claim.progressUnit, claim.progressStrideBytes & 0xFFFF_FFFFL, claim.length,
            scratchStrides);
        if (layout != TensorLayoutRules.OK)
        {
            return layout;
        }
        final PayloadPool pool = regions.pool(claim.poolIndex);
        final int base = ring.slotOffset(claim.headerIndex);
        header.putInt(base + SLOT_VALUES_LEN_OFFSET, claim.length);
        header.putInt(base + SLOT_PAYLOAD_SLOT_OFFSET, claim.headerIndex);
        header.putShort(base + SLOT_POOL_ID_OFFSET, (short)pool.poolId());
        header.putInt(base + SLOT_PAYLOAD_OFFSET_OFFSET, 0);
        header.putLong(base + SLOT_TIMESTAMP_OFFSET, claim.timestampNs);
        header.putInt(base + SLOT_META_VERSION_OFFSET, (int)claim.metaVersion);
        zero(header, base + SLOT_PAD_OFFSET, SLOT_HEADER_BLOCK_LENGTH - SLOT_PAD_OFFSET);
        header.putInt(base + SLOT_HEADER_BYTES_LENGTH_OFFSET, TENSOR_HEADER_BYTES_LENGTH);

        final int embedded = base + SLOT_EMBEDDED_HEADER_OFFSET;
        header.putShort(embedded + MessageHeaderEncoder.blockLengthEncodingOffset(), (short)TH_BLOCK_LENGTH);
        header.putShort(embedded + MessageHeaderEncoder.templateIdEncodingOffset(), (short)TH_TEMPLATE_ID);
        header.putShort(embedded + MessageHeaderEncoder.schemaIdEncodingOffset(), (short)WIRE_SCHEMA_ID);
        header.putShort(embedded + MessageHeaderEncoder.versionEncodingOffset(), (short)WIRE_SCHEMA_VERSION);

        final int th = base + SLOT_TENSOR_HEADER_OFFSET;
        zero(header, th, TH_BLOCK_LENGTH);
        header.putShort(th + TH_DTYPE_OFFSET, claim.dtype);
        header.putShort(th + TH_MAJOR_ORDER_OFFSET, claim.majorOrder);
        header.putByte(th + TH_NDIMS_OFFSET, (byte)claim.ndims);
        header.putByte(th + TH_PROGRESS_UNIT_OFFSET, (byte)claim.progressUnit);
        header.putInt(th + TH_PROGRESS_STRIDE_OFFSET,
            claim.progressUnit == TensorLayoutRules.PROGRESS_NONE ? 0 : claim.progressStrideBytes);
        for (int i = 0; i < claim.ndims; i++)
        {
            header.putInt(th + TH_DIMS_OFFSET + i * 4, claim.dims[i]);
            header.putInt(th + TH_STRIDES_OFFSET + i * 4, claim.strides[i]);
        }

        header.putLongRelease(base + SLOT_SEQ_COMMIT_OFFSET, SeqCommit.committed(claim.seq));
        return TensorLayoutRules.OK;
    }

    void abort(final FrameClaim claim)
    {
        checkOpen(claim, "abort");
        claimOpen = false;
        claim.open = false;
    }

    private void checkOpen(final FrameClaim claim, final String operation)
    {
        // Committing twice would rewrite a header under a COMMITTED word, which no reader could detect as torn.
        if (!claimOpen || !claim.open || claim.writer != this)
        {
            throw new IllegalStateException(operation + " without an open claim (seq=" + claim.seq + ")");
        }
    }

    /** Refresh the activity timestamp of every region of the stream (Wire §7.1). */
    public void refreshActivity(final long nowNs)
    {
        regions.refreshActivity(nowNs);
    }

    /**
     * Zero {@code length} bytes of shared memory with plain stores. Not {@code setMemory}: on a mapping whose file was
     * truncated underneath (SIGBUS), the JVM turns a fault in compiled stores into an {@code InternalError} the caller
     * can contain, but a fault inside {@code Unsafe.setMemory} (VM runtime code) aborts the whole process.
     */
    private static void zero(final UnsafeBuffer buffer, final int offset, final int length)
    {
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            buffer.putLong(offset + i, 0L);
        }
        for (; i < length; i++)
        {
            buffer.putByte(offset + i, (byte)0);
        }
    }
}
