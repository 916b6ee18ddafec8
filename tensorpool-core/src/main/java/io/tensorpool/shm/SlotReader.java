package io.tensorpool.shm;

import io.tensorpool.codecs.wire.MessageHeaderDecoder;
import io.tensorpool.tensor.TensorLayoutRules;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.VarHandle;

import static io.tensorpool.shm.ShmLayout.*;

/**
 * Consumer read path over one stream's mapped regions (Wire §8.3, §10.2.1, §15.18, §15.21): commit check, header
 * validation, then the caller reads the payload and confirms with {@link FrameView#stillCommitted()}. Every failure is
 * a status code, never an exception, and no allocation happens.
 */
public final class SlotReader
{
    /** The frame is valid: read the payload, then confirm with {@link FrameView#stillCommitted()}. */
    public static final int OK = 0;
    /** Header index outside the mapped ring. */
    public static final int INDEX_OUT_OF_RANGE = 1;
    /** LSB 0: the producer is writing this slot now (late). */
    public static final int NOT_COMMITTED = 2;
    /** The slot holds a newer frame: ours was overwritten (late). */
    public static final int OVERWRITTEN = 3;
    /** The slot holds an older sequence than announced: stale reuse (Wire §15.3). */
    public static final int STALE = 4;
    /** The commit word changed while the header was read (late). */
    public static final int TORN = 5;
    /** Embedded header length, templateId, schemaId, version or blockLength wrong. */
    public static final int BAD_EMBEDDED_HEADER = 6;
    /** payload_offset is not 0 (Wire §8.2). */
    public static final int BAD_PAYLOAD_OFFSET = 7;
    /** pool_id unknown in the mapping. */
    public static final int UNKNOWN_POOL = 8;
    /** payload_slot out of range or not equal to header_index (Wire §10.2.1, §15.5). */
    public static final int BAD_PAYLOAD_SLOT = 9;
    /** values_len_bytes greater than the pool stride (Wire §10.2.1). */
    public static final int VALUES_LEN_EXCEEDS_STRIDE = 10;
    /** TensorHeader failed a layout rule; see {@link #lastLayoutReason()}. */
    public static final int BAD_TENSOR_LAYOUT = 11;
    /**
     * A mapped region file is shorter than its mapping (truncated under the reader): nothing of this mapping may be
     * read again; the caller drops it (see {@link #startBatch()}).
     */
    public static final int REGION_NOT_BACKED = 12;

    private static final String[] STATUS_TEXT =
    {
        "ok", "header index out of range", "slot not committed", "slot overwritten by a newer frame",
        "slot holds an older sequence", "commit word changed during read", "bad embedded header",
        "payload_offset not 0", "unknown pool_id", "payload_slot out of range or not the header index",
        "values_len_bytes exceeds pool stride", "tensor layout invalid", "region file truncated under the mapping",
    };

    private final StreamRegions regions;
    private final HeaderRing ring;
    private final UnsafeBuffer headerBuffer;
    private int lastLayoutReason;
    private boolean backingUnchecked = true;
    private boolean backed = true;
    private boolean backingCheckPerFrame;

    /**
     * @param regions the consumer's mapping of one stream at one epoch.
     */
    public SlotReader(final StreamRegions regions)
    {
        this.regions = regions;
        this.ring = regions.headerRing();
        this.headerBuffer = ring.buffer();
    }

    /** Text for a status, for logs and errors (not for the per-frame path). */
    public static String describe(final int status)
    {
        return status >= 0 && status < STATUS_TEXT.length ? STATUS_TEXT[status] : "unknown status " + status;
    }

    /** True for the statuses the spec counts as {@code drops_late} (seqlock instability or overwrite). */
    public static boolean isLate(final int status)
    {
        return status == NOT_COMMITTED || status == OVERWRITTEN || status == TORN;
    }

    /** The mapping this reader reads. */
    public StreamRegions regions()
    {
        return regions;
    }

    /**
     * Start a poll batch: the first {@link #begin} after this checks that every mapped file still backs its mapping
     * ({@link StreamRegions#isBacked()}: one fstat per region, once per batch, only in batches that read a frame) and
     * answers {@link #REGION_NOT_BACKED} from then on if one was truncated. A file truncated while a batch runs is
     * caught by the next batch, or earlier by the SIGBUS the JVM raises as an asynchronous {@code InternalError}.
     */
    public void startBatch()
    {
        backingUnchecked = true;
    }

    /**
     * Check the backing of every mapped file for every frame, and again in the view's {@link FrameView#stillCommitted()}
     * confirmation after the caller's reads: closes the window in which a file truncated during a batch could hand a
     * handler bytes the JVM substituted for the faulting loads. Costs one fstat per region per check; for deployments
     * where other processes may truncate region files (default off: once per batch).
     */
    public void backingCheckPerFrame(final boolean perFrame)
    {
        backingCheckPerFrame = perFrame;
    }

    /** When the last status was {@link #BAD_TENSOR_LAYOUT}, the {@link TensorLayoutRules} reason. */
    public int lastLayoutReason()
    {
        return lastLayoutReason;
    }

    /**
     * Validate slot {@code headerIndex} against the expected sequence and fill {@code view}: first commit check, header
     * copy, second commit check, then the embedded header, pool, payload slot, length and tensor layout rules (Wire
     * §8.3 steps 1–6). On {@link #OK} the caller may read {@link FrameView#payload()} and must then call
     * {@link FrameView#stillCommitted()} before trusting what it read. On any other status the view is cleared
     * (empty payload, {@code stillCommitted()} false). Never allocates or throws on bad slot contents.
     *
     * @param headerIndex  {@code FrameDescriptor.header_index}.
     * @param expectedSeq  {@code FrameDescriptor.seq}.
     * @param view         filled on {@link #OK}.
     * @return {@link #OK} or the reason the frame must be dropped.
     */
    public int begin(final int headerIndex, final long expectedSeq, final FrameView view)
    {
        final int status = read(headerIndex, expectedSeq, view);
        if (status != OK)
        {
            // a view left over from an earlier frame must not look valid after a failed begin
            view.invalidate();
        }
        return status;
    }

    private int read(final int headerIndex, final long expectedSeq, final FrameView view)
    {
        if (backingUnchecked || backingCheckPerFrame)
        {
            backingUnchecked = false;
            backed = backed && regions.isBacked();
        }
        if (!backed)
        {
            return REGION_NOT_BACKED;
        }
        if (headerIndex < 0 || headerIndex >= ring.nslots())
        {
            return INDEX_OUT_OF_RANGE;
        }
        final int base = ring.slotOffset(headerIndex);
        final long word = headerBuffer.getLongAcquire(base + SLOT_SEQ_COMMIT_OFFSET);
        if (!SeqCommit.isCommitted(word))
        {
            return NOT_COMMITTED;
        }
        final long seq = SeqCommit.sequence(word);
        if (seq != expectedSeq)
        {
            return Long.compareUnsigned(seq, expectedSeq) > 0 ? OVERWRITTEN : STALE;
        }

        final long valuesLen = headerBuffer.getInt(base + SLOT_VALUES_LEN_OFFSET) & 0xFFFF_FFFFL;
        final long payloadSlot = headerBuffer.getInt(base + SLOT_PAYLOAD_SLOT_OFFSET) & 0xFFFF_FFFFL;
        final int poolId = headerBuffer.getShort(base + SLOT_POOL_ID_OFFSET) & 0xFFFF;
        final long payloadOffset = headerBuffer.getInt(base + SLOT_PAYLOAD_OFFSET_OFFSET) & 0xFFFF_FFFFL;
        final long timestampNs = headerBuffer.getLong(base + SLOT_TIMESTAMP_OFFSET);
        final long metaVersion = headerBuffer.getInt(base + SLOT_META_VERSION_OFFSET) & 0xFFFF_FFFFL;
        final long headerBytesLen = headerBuffer.getInt(base + SLOT_HEADER_BYTES_LENGTH_OFFSET) & 0xFFFF_FFFFL;
        final int embedded = base + SLOT_EMBEDDED_HEADER_OFFSET;
        final int blockLength = headerBuffer.getShort(embedded + MessageHeaderDecoder.blockLengthEncodingOffset()) &
            0xFFFF;
        final int templateId = headerBuffer.getShort(embedded + MessageHeaderDecoder.templateIdEncodingOffset()) &
            0xFFFF;
        final int schemaId = headerBuffer.getShort(embedded + MessageHeaderDecoder.schemaIdEncodingOffset()) & 0xFFFF;
        final int version = headerBuffer.getShort(embedded + MessageHeaderDecoder.versionEncodingOffset()) & 0xFFFF;

        final int th = base + SLOT_TENSOR_HEADER_OFFSET;
        final short dtypeRaw = headerBuffer.getShort(th + TH_DTYPE_OFFSET);
        final short majorOrderRaw = headerBuffer.getShort(th + TH_MAJOR_ORDER_OFFSET);
        final int ndims = headerBuffer.getByte(th + TH_NDIMS_OFFSET) & 0xFF;
        final short progressUnitRaw = (short)(headerBuffer.getByte(th + TH_PROGRESS_UNIT_OFFSET) & 0xFF);
        final long progressStride = headerBuffer.getInt(th + TH_PROGRESS_STRIDE_OFFSET) & 0xFFFF_FFFFL;
        final int dimCount = Math.min(ndims, MAX_DIMS);
        for (int i = 0; i < dimCount; i++)
        {
            view.dims[i] = headerBuffer.getInt(th + TH_DIMS_OFFSET + i * 4);
            view.strides[i] = headerBuffer.getInt(th + TH_STRIDES_OFFSET + i * 4);
        }

        // Everything above may be torn; only act on it once the commit word is confirmed unchanged.
        VarHandle.loadLoadFence();
        if (headerBuffer.getLongAcquire(base + SLOT_SEQ_COMMIT_OFFSET) != word)
        {
            return TORN;
        }

        if (headerBytesLen != TENSOR_HEADER_BYTES_LENGTH || blockLength != TH_BLOCK_LENGTH ||
            templateId != TH_TEMPLATE_ID || schemaId != WIRE_SCHEMA_ID || version != WIRE_SCHEMA_VERSION)
        {
            return BAD_EMBEDDED_HEADER;
        }
        if (payloadOffset != 0)
        {
            return BAD_PAYLOAD_OFFSET;
        }
        final PayloadPool pool = regions.poolById(poolId);
        if (pool == null)
        {
            return UNKNOWN_POOL;
        }
        if (payloadSlot >= pool.nslots() || payloadSlot != headerIndex)
        {
            return BAD_PAYLOAD_SLOT;
        }
        if (valuesLen > (pool.strideBytes() & 0xFFFF_FFFFL))
        {
            return VALUES_LEN_EXCEEDS_STRIDE;
        }
        final int layout = TensorLayoutRules.validate(dtypeRaw, majorOrderRaw, ndims, view.dims, view.strides,
            progressUnitRaw, progressStride, valuesLen, view.effectiveStrides);
        if (layout != TensorLayoutRules.OK)
        {
            lastLayoutReason = layout;
            return BAD_TENSOR_LAYOUT;
        }

        view.streamId = regions.streamId();
        view.epoch = regions.epoch();
        view.seq = seq;
        view.headerIndex = headerIndex;
        view.seqCommit = word;
        view.timestampNs = timestampNs;
        view.metaVersion = metaVersion;
        view.valuesLen = (int)valuesLen;
        view.poolId = poolId;
        view.dtypeRaw = dtypeRaw;
        view.majorOrderRaw = majorOrderRaw;
        view.ndims = ndims;
        view.progressUnitRaw = progressUnitRaw;
        view.progressStrideBytes = progressStride;
        view.ring = ring;
        view.backing = backingCheckPerFrame ? regions : null;
        pool.wrapSlot(view.payload, (int)payloadSlot, (int)valuesLen);
        return OK;
    }

    /**
     * The committed sequence currently in slot {@code index}, or -1 if the slot is not committed or the index is
     * outside the ring. A snapshot for diagnostics and resynchronisation; frames are still read through {@link #begin}.
     */
    public long committedSequenceAt(final int index)
    {
        if (!backed || index < 0 || index >= ring.nslots())
        {
            return -1;
        }
        final long word = ring.seqCommitAcquire(index);
        return SeqCommit.isCommitted(word) ? SeqCommit.sequence(word) : -1;
    }
}
