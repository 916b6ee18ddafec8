package io.tensorpool.shm;

import io.tensorpool.codecs.wire.MessageHeaderEncoder;
import io.tensorpool.codecs.wire.ShmRegionSuperblockEncoder;
import io.tensorpool.codecs.wire.SlotHeaderEncoder;
import io.tensorpool.codecs.wire.TensorHeaderEncoder;

/**
 * Fixed geometry of the shared-memory regions (Wire §6–§9). Field offsets are taken from the generated SBE codecs so
 * there is one source of truth; the golden-byte tests pin them to the numbers in the spec's tables.
 */
public final class ShmLayout
{
    /** Wire §6: every region starts with a 64-byte superblock, never derived from SBE metadata. */
    public static final int SUPERBLOCK_SIZE = 64;

    /** Wire §8.1: every header slot is exactly 256 bytes. */
    public static final int HEADER_SLOT_BYTES = 256;

    /** Wire §8.2: v1.1 MAX_DIMS. */
    public static final int MAX_DIMS = 8;

    /** Wire §7.1: ASCII "TPOLSHM1" as a little-endian u64. */
    public static final long MAGIC = 0x544F504C53484D31L;

    /** The SHM layout version this implementation writes and accepts. */
    public static final int LAYOUT_VERSION = 1;

    /** Wire schema id (900), also stamped into the embedded TensorHeader message header. */
    public static final int WIRE_SCHEMA_ID = TensorHeaderEncoder.SCHEMA_ID;
    /** Wire schema version (1), stamped into the embedded TensorHeader message header. */
    public static final int WIRE_SCHEMA_VERSION = TensorHeaderEncoder.SCHEMA_VERSION;

    /** Page size the strides must be a multiple of (SPEC_DECISIONS, Wire §15.22). */
    public static final int PAGE_SIZE = 4096;

    // Superblock field offsets (Wire §7.1).
    /** Superblock {@code magic} offset within the region (Wire §7.1). */
    public static final int SB_MAGIC_OFFSET = ShmRegionSuperblockEncoder.magicEncodingOffset();
    /** Superblock {@code layout_version} offset within the region (Wire §7.1). */
    public static final int SB_LAYOUT_VERSION_OFFSET = ShmRegionSuperblockEncoder.layoutVersionEncodingOffset();
    /** Superblock {@code epoch} offset within the region (Wire §7.1). */
    public static final int SB_EPOCH_OFFSET = ShmRegionSuperblockEncoder.epochEncodingOffset();
    /** Superblock {@code stream_id} offset within the region (Wire §7.1). */
    public static final int SB_STREAM_ID_OFFSET = ShmRegionSuperblockEncoder.streamIdEncodingOffset();
    /** Superblock {@code region_type} offset within the region (Wire §7.1). */
    public static final int SB_REGION_TYPE_OFFSET = ShmRegionSuperblockEncoder.regionTypeEncodingOffset();
    /** Superblock {@code pool_id} offset within the region (Wire §7.1). */
    public static final int SB_POOL_ID_OFFSET = ShmRegionSuperblockEncoder.poolIdEncodingOffset();
    /** Superblock {@code nslots} offset within the region (Wire §7.1). */
    public static final int SB_NSLOTS_OFFSET = ShmRegionSuperblockEncoder.nslotsEncodingOffset();
    /** Superblock {@code slot_bytes} offset within the region (Wire §7.1). */
    public static final int SB_SLOT_BYTES_OFFSET = ShmRegionSuperblockEncoder.slotBytesEncodingOffset();
    /** Superblock {@code stride_bytes} offset within the region (Wire §7.1). */
    public static final int SB_STRIDE_BYTES_OFFSET = ShmRegionSuperblockEncoder.strideBytesEncodingOffset();
    /** Superblock {@code pid} offset within the region (Wire §7.1). */
    public static final int SB_PID_OFFSET = ShmRegionSuperblockEncoder.pidEncodingOffset();
    /** Superblock {@code start_timestamp} offset within the region (Wire §7.1). */
    public static final int SB_START_TIMESTAMP_OFFSET = ShmRegionSuperblockEncoder.startTimestampNsEncodingOffset();
    /** Superblock {@code activity_timestamp} offset within the region (Wire §7.1). */
    public static final int SB_ACTIVITY_TIMESTAMP_OFFSET =
        ShmRegionSuperblockEncoder.activityTimestampNsEncodingOffset();

    // SlotHeader field offsets within a slot (Wire §8.2).
    /** SlotHeader {@code seq_commit} offset within a header slot (Wire §8.2). */
    public static final int SLOT_SEQ_COMMIT_OFFSET = SlotHeaderEncoder.seqCommitEncodingOffset();
    /** SlotHeader {@code values_len} offset within a header slot (Wire §8.2). */
    public static final int SLOT_VALUES_LEN_OFFSET = SlotHeaderEncoder.valuesLenBytesEncodingOffset();
    /** SlotHeader {@code payload_slot} offset within a header slot (Wire §8.2). */
    public static final int SLOT_PAYLOAD_SLOT_OFFSET = SlotHeaderEncoder.payloadSlotEncodingOffset();
    /** SlotHeader {@code pool_id} offset within a header slot (Wire §8.2). */
    public static final int SLOT_POOL_ID_OFFSET = SlotHeaderEncoder.poolIdEncodingOffset();
    /** SlotHeader {@code payload_offset} offset within a header slot (Wire §8.2). */
    public static final int SLOT_PAYLOAD_OFFSET_OFFSET = SlotHeaderEncoder.payloadOffsetEncodingOffset();
    /** SlotHeader {@code timestamp} offset within a header slot (Wire §8.2). */
    public static final int SLOT_TIMESTAMP_OFFSET = SlotHeaderEncoder.timestampNsEncodingOffset();
    /** SlotHeader {@code meta_version} offset within a header slot (Wire §8.2). */
    public static final int SLOT_META_VERSION_OFFSET = SlotHeaderEncoder.metaVersionEncodingOffset();
    /** SlotHeader {@code pad} offset within a header slot (Wire §8.2). */
    public static final int SLOT_PAD_OFFSET = SlotHeaderEncoder.padEncodingOffset();
    /** SlotHeader fixed block length: 60 bytes. */
    public static final int SLOT_HEADER_BLOCK_LENGTH = SlotHeaderEncoder.BLOCK_LENGTH;

    /** Offset of the u32 length prefix of {@code headerBytes}. */
    public static final int SLOT_HEADER_BYTES_LENGTH_OFFSET = SLOT_HEADER_BLOCK_LENGTH;

    /** Offset of the embedded TensorHeader's 8-byte SBE message header. */
    public static final int SLOT_EMBEDDED_HEADER_OFFSET = SLOT_HEADER_BYTES_LENGTH_OFFSET + 4;

    /** Offset of the TensorHeader block within a slot. */
    public static final int SLOT_TENSOR_HEADER_OFFSET = SLOT_EMBEDDED_HEADER_OFFSET + MessageHeaderEncoder.ENCODED_LENGTH;

    /** v1.1 headerBytes length: embedded message header plus TensorHeader block. */
    public static final int TENSOR_HEADER_BYTES_LENGTH =
        MessageHeaderEncoder.ENCODED_LENGTH + TensorHeaderEncoder.BLOCK_LENGTH;

    // TensorHeader field offsets relative to the start of its block.
    /** TensorHeader {@code dtype} offset within the TensorHeader block, which starts at slot offset 72. */
    public static final int TH_DTYPE_OFFSET = TensorHeaderEncoder.dtypeEncodingOffset();
    /** TensorHeader {@code major_order} offset within the TensorHeader block, which starts at slot offset 72. */
    public static final int TH_MAJOR_ORDER_OFFSET = TensorHeaderEncoder.majorOrderEncodingOffset();
    /** TensorHeader {@code ndims} offset within the TensorHeader block, which starts at slot offset 72. */
    public static final int TH_NDIMS_OFFSET = TensorHeaderEncoder.ndimsEncodingOffset();
    /** TensorHeader {@code pad_align} offset within the TensorHeader block, which starts at slot offset 72. */
    public static final int TH_PAD_ALIGN_OFFSET = TensorHeaderEncoder.padAlignEncodingOffset();
    /** TensorHeader {@code progress_unit} offset within the TensorHeader block, which starts at slot offset 72. */
    public static final int TH_PROGRESS_UNIT_OFFSET = TensorHeaderEncoder.progressUnitEncodingOffset();
    /** TensorHeader {@code progress_stride} offset within the TensorHeader block, which starts at slot offset 72. */
    public static final int TH_PROGRESS_STRIDE_OFFSET = TensorHeaderEncoder.progressStrideBytesEncodingOffset();
    /** TensorHeader {@code dims} offset within the TensorHeader block, which starts at slot offset 72. */
    public static final int TH_DIMS_OFFSET = TensorHeaderEncoder.dimsEncodingOffset();
    /** TensorHeader {@code strides} offset within the TensorHeader block, which starts at slot offset 72. */
    public static final int TH_STRIDES_OFFSET = TensorHeaderEncoder.stridesEncodingOffset();
    /** TensorHeader block length: 184. */
    public static final int TH_BLOCK_LENGTH = TensorHeaderEncoder.BLOCK_LENGTH;
    /** TensorHeader template id: 52. */
    public static final int TH_TEMPLATE_ID = TensorHeaderEncoder.TEMPLATE_ID;

    private ShmLayout()
    {
    }

    /** Wire §8.1: byte offset of header slot {@code index} within the header ring region. */
    public static long headerSlotOffset(final int index)
    {
        return SUPERBLOCK_SIZE + (long)index * HEADER_SLOT_BYTES;
    }

    /** Wire §9: byte offset of payload slot {@code slot} within a payload pool region. */
    public static long payloadSlotOffset(final int slot, final int strideBytes)
    {
        return SUPERBLOCK_SIZE + (long)slot * strideBytes;
    }

    /** Total file size of a header ring of {@code nslots} slots. */
    public static long headerRingSize(final int nslots)
    {
        return headerSlotOffset(nslots);
    }

    /** Total file size of a payload pool. */
    public static long payloadPoolSize(final int nslots, final int strideBytes)
    {
        return payloadSlotOffset(nslots, strideBytes);
    }

    /** True for 1, 2, 4, ...; false for 0 and negatives. */
    public static boolean isPowerOfTwo(final long value)
    {
        return value > 0 && (value & (value - 1)) == 0;
    }
}
