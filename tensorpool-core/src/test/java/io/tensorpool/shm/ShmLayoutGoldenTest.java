package io.tensorpool.shm;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.MajorOrder;
import io.tensorpool.codecs.wire.ProgressUnit;
import io.tensorpool.codecs.wire.RegionType;
import io.tensorpool.tensor.ElementTypes;
import io.tensorpool.tensor.TensorLayoutRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Golden bytes: every offset and constant below is typed in from the Wire v1.1 tables (§7.1, §8.1–§8.3, §9, §15.8)
 * and SPEC_DECISIONS "Layout facts", never taken from the codecs, and checked against the raw bytes of files written
 * through {@link MappedRegion#create} and {@link SlotWriter}. A C or Julia reader sees exactly these bytes.
 */
class ShmLayoutGoldenTest
{
    private static final int STREAM_ID = 0x0A0B0C0D;
    private static final long EPOCH = 0x0102030405060708L;
    private static final long PID = 0x1112131415161718L;
    private static final long NOW = 0x2122232425262728L;
    private static final int NSLOTS = 4;
    private static final int STRIDE = 4096;
    private static final int POOL_ID = 0x3132;

    @TempDir
    Path dir;

    @Test
    void headerRingSuperblockFieldsAtSpecOffsets() throws IOException
    {
        final Path file = dir.resolve("header.ring");
        try (MappedRegion region = MappedRegion.create(
            file, RegionSpec.headerRing(STREAM_ID, EPOCH, NSLOTS), MappedRegion.PRIVATE_FILE_MODE, false, PID, NOW))
        {
            assertEquals(file, region.path());
            final byte[] raw = Files.readAllBytes(file);
            assertEquals(64 + NSLOTS * 256, raw.length, "superblock 64 + nslots x 256 (Wire §8.1)");
            final ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);

            assertEquals("1MHSLPOT", new String(raw, 0, 8, StandardCharsets.US_ASCII), "magic bytes on disk");
            assertEquals(0x544F504C53484D31L, b.getLong(0));
            assertEquals(1, b.getInt(8), "layout_version");
            assertEquals(EPOCH, b.getLong(12), "epoch (misaligned, offset 12)");
            assertEquals(STREAM_ID, b.getInt(20), "stream_id");
            assertEquals(1, b.getShort(24), "region_type HEADER_RING");
            assertEquals(0, b.getShort(26), "pool_id of a header ring");
            assertEquals(NSLOTS, b.getInt(28), "nslots");
            assertEquals(256, b.getInt(32), "slot_bytes of a header ring");
            assertEquals(0, b.getInt(36), "stride_bytes of a header ring");
            assertEquals(PID, b.getLong(40), "pid");
            assertEquals(NOW, b.getLong(48), "start_timestamp_ns");
            assertEquals(NOW, b.getLong(56), "activity_timestamp_ns");
            for (int i = 64; i < raw.length; i++)
            {
                assertEquals(0, raw[i], "fresh slots are zero at file offset " + i);
            }
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void payloadPoolSuperblockFieldsAtSpecOffsets() throws IOException
    {
        final Path file = dir.resolve("payload-12594.pool");
        try (MappedRegion region = MappedRegion.create(file,
            RegionSpec.payloadPool(STREAM_ID, EPOCH, POOL_ID, NSLOTS, STRIDE), MappedRegion.GROUP_FILE_MODE, true,
            PID, NOW))
        {
            assertEquals(file, region.path());
            final byte[] raw = Files.readAllBytes(file);
            assertEquals(64 + NSLOTS * STRIDE, raw.length, "superblock 64 + nslots x stride (Wire §9)");
            final ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals("1MHSLPOT", new String(raw, 0, 8, StandardCharsets.US_ASCII));
            assertEquals(1, b.getInt(8));
            assertEquals(EPOCH, b.getLong(12));
            assertEquals(STREAM_ID, b.getInt(20));
            assertEquals(2, b.getShort(24), "region_type PAYLOAD_POOL");
            assertEquals(POOL_ID, b.getShort(26), "pool_id");
            assertEquals(NSLOTS, b.getInt(28));
            assertEquals(STRIDE, b.getInt(32), "slot_bytes of a pool = stride");
            assertEquals(STRIDE, b.getInt(36), "stride_bytes");
            assertEquals(PID, b.getLong(40));
            assertEquals(NOW, b.getLong(48));
            assertEquals(NOW, b.getLong(56));
        }
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void activityRefreshRewritesOnlyOffset56() throws IOException
    {
        final Path file = dir.resolve("header.ring");
        try (MappedRegion region = MappedRegion.create(
            file, RegionSpec.headerRing(STREAM_ID, EPOCH, NSLOTS), MappedRegion.PRIVATE_FILE_MODE, false, PID, NOW))
        {
            final byte[] before = Files.readAllBytes(file);
            Superblock.refreshActivity(region.buffer(), 0x3132333435363738L);
            region.buffer().getLongVolatile(0);
            final byte[] after = Files.readAllBytes(file);
            assertEquals(0x3132333435363738L, ByteBuffer.wrap(after).order(ByteOrder.LITTLE_ENDIAN).getLong(56));
            assertArrayEquals(Arrays.copyOf(before, 56), Arrays.copyOf(after, 56));
            Superblock.refreshActivity(region.buffer(), 0);
            assertEquals(1, ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).getLong(56),
                "a writer never writes activity 0");
        }
    }

    @Test
    void slotHeaderAndTensorHeaderAtSpecOffsets() throws IOException
    {
        final Path ringFile = dir.resolve("header.ring");
        final Path poolFile = dir.resolve("payload-1.pool");
        final long seq = 6; // header_index = 6 & 3 = 2
        final int index = 2;
        final int valuesLen = 96;
        try (StreamRegions regions = new StreamRegions(
            MappedRegion.create(ringFile, RegionSpec.headerRing(STREAM_ID, EPOCH, NSLOTS),
                MappedRegion.PRIVATE_FILE_MODE, false, PID, NOW),
            List.of(MappedRegion.create(poolFile, RegionSpec.payloadPool(STREAM_ID, EPOCH, 1, NSLOTS, STRIDE),
                MappedRegion.PRIVATE_FILE_MODE, false, PID, NOW))))
        {
            // garbage in the slot proves the writer overwrites every byte it owns (Wire §8.3 step 3)
            regions.headerRing().buffer().setMemory(64 + index * 256, 256, (byte)0xEE);

            final SlotWriter writer = new SlotWriter(regions);
            final FrameClaim claim = new FrameClaim();
            assertEquals(index, writer.claim(seq, valuesLen, claim));

            final ByteBuffer inProgress = ByteBuffer.wrap(Files.readAllBytes(ringFile)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(seq << 1, inProgress.getLong(64 + index * 256), "IN-PROGRESS = seq << 1, LSB 0");

            for (int i = 0; i < valuesLen; i++)
            {
                claim.buffer().putByte(i, (byte)(0x40 + i));
            }
            claim.dtype(Dtype.FLOAT32)
                .majorOrder(MajorOrder.ROW)
                .shape(new int[]{3, 5}, 2)
                .strides(new int[]{32, 4})
                .progress(ProgressUnit.ROWS, 32)
                .timestampNs(0x4142434445464748L)
                .metaVersion(0xCAFEBABEL);
            assertEquals(TensorLayoutRules.OK, claim.commit());

            final byte[] raw = Files.readAllBytes(ringFile);
            final int slot = 64 + index * 256; // Wire §8.1: superblock_size + i * 256
            final ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);

            assertEquals((seq << 1) | 1, b.getLong(slot), "seq_commit COMMITTED = (seq << 1) | 1 at 0");
            assertEquals(valuesLen, b.getInt(slot + 8), "values_len_bytes at 8");
            assertEquals(index, b.getInt(slot + 12), "payload_slot = header_index at 12");
            assertEquals(1, b.getShort(slot + 16), "pool_id at 16");
            assertEquals(0, b.getInt(slot + 18), "payload_offset at 18");
            assertEquals(0x4142434445464748L, b.getLong(slot + 22), "timestamp_ns at 22");
            assertEquals(0xCAFEBABE, b.getInt(slot + 30), "meta_version at 30");
            for (int i = 34; i < 60; i++)
            {
                assertEquals(0, raw[slot + i], "SlotHeader pad zero at slot offset " + i);
            }
            assertEquals(192, b.getInt(slot + 60), "headerBytes length at 60");
            assertEquals(184, b.getShort(slot + 64), "embedded blockLength at 64");
            assertEquals(52, b.getShort(slot + 66), "embedded templateId at 66");
            assertEquals(900, b.getShort(slot + 68), "embedded schemaId at 68");
            assertEquals(1, b.getShort(slot + 70), "embedded version at 70");

            assertEquals(9, b.getShort(slot + 72), "dtype FLOAT32 at 72");
            assertEquals(1, b.getShort(slot + 74), "major_order ROW at 74");
            assertEquals(2, raw[slot + 76], "ndims at 76");
            assertEquals(0, raw[slot + 77], "pad_align at 77");
            assertEquals(1, raw[slot + 78], "progress_unit ROWS at 78");
            assertEquals(32, b.getInt(slot + 79), "progress_stride_bytes at 79 (misaligned)");
            assertEquals(3, b.getInt(slot + 83), "dims[0] at 83");
            assertEquals(5, b.getInt(slot + 87), "dims[1] at 87");
            for (int i = 2; i < 8; i++)
            {
                assertEquals(0, b.getInt(slot + 83 + 4 * i), "dims[" + i + "] past ndims zero");
            }
            assertEquals(32, b.getInt(slot + 115), "strides[0] at 115");
            assertEquals(4, b.getInt(slot + 119), "strides[1] at 119");
            for (int i = 2; i < 8; i++)
            {
                assertEquals(0, b.getInt(slot + 115 + 4 * i), "strides[" + i + "] past ndims zero");
            }
            for (int i = 147; i < 256; i++)
            {
                assertEquals(0, raw[slot + i], "TensorHeader pad zero at slot offset " + i);
            }
            assertEquals(256, 64 + 192, "the embedded header ends exactly at the slot end");

            final byte[] pool = Files.readAllBytes(poolFile);
            final int payloadBase = 64 + index * STRIDE; // Wire §9: superblock_size + payload_slot * stride_bytes
            for (int i = 0; i < valuesLen; i++)
            {
                assertEquals((byte)(0x40 + i), pool[payloadBase + i], "payload byte " + i);
            }
        }
    }

    @Test
    void noneProgressIsWrittenAsZeroStride() throws IOException
    {
        final Path ringFile = dir.resolve("header.ring");
        try (StreamRegions regions = new StreamRegions(
            MappedRegion.create(ringFile, RegionSpec.headerRing(STREAM_ID, EPOCH, NSLOTS),
                MappedRegion.PRIVATE_FILE_MODE, false, PID, NOW),
            List.of(MappedRegion.create(dir.resolve("payload-1.pool"),
                RegionSpec.payloadPool(STREAM_ID, EPOCH, 1, NSLOTS, STRIDE), MappedRegion.PRIVATE_FILE_MODE, false,
                PID, NOW))))
        {
            final SlotWriter writer = new SlotWriter(regions);
            final FrameClaim claim = new FrameClaim();
            assertEquals(1, writer.claim(1, 8, claim));
            claim.dtype(Dtype.INT64).shape1d(1).progress(ProgressUnit.NONE, 77);
            assertEquals(TensorLayoutRules.OK, claim.commit());
            final ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(ringFile)).order(ByteOrder.LITTLE_ENDIAN);
            final int slot = 64 + 256;
            assertEquals(0, b.get(slot + 78));
            assertEquals(0, b.getInt(slot + 79), "progress_stride_bytes 0 with NONE (SPEC_DECISIONS)");
            assertEquals(8, b.getShort(slot + 72), "dtype INT64");
        }
    }

    @Test
    void enumValuesMatchTheV11Registry()
    {
        // Wire §15.8
        assertEquals(0, Dtype.UNKNOWN.value());
        assertEquals(1, Dtype.UINT8.value());
        assertEquals(2, Dtype.INT8.value());
        assertEquals(3, Dtype.UINT16.value());
        assertEquals(4, Dtype.INT16.value());
        assertEquals(5, Dtype.UINT32.value());
        assertEquals(6, Dtype.INT32.value());
        assertEquals(7, Dtype.UINT64.value());
        assertEquals(8, Dtype.INT64.value());
        assertEquals(9, Dtype.FLOAT32.value());
        assertEquals(10, Dtype.FLOAT64.value());
        assertEquals(11, Dtype.BOOLEAN.value());
        assertEquals(13, Dtype.BYTES.value());
        assertEquals(14, Dtype.BIT.value());
        assertEquals(0, MajorOrder.UNKNOWN.value());
        assertEquals(1, MajorOrder.ROW.value());
        assertEquals(2, MajorOrder.COLUMN.value());
        // Wire §8.2 / schema appendix
        assertEquals(0, ProgressUnit.NONE.value());
        assertEquals(1, ProgressUnit.ROWS.value());
        assertEquals(2, ProgressUnit.COLUMNS.value());
        // Wire §7.1
        assertEquals(1, RegionType.HEADER_RING.value());
        assertEquals(2, RegionType.PAYLOAD_POOL.value());

        assertEquals(TensorLayoutRules.MAJOR_ORDER_ROW, MajorOrder.ROW.value());
        assertEquals(TensorLayoutRules.MAJOR_ORDER_COLUMN, MajorOrder.COLUMN.value());
        assertEquals(TensorLayoutRules.PROGRESS_ROWS, ProgressUnit.ROWS.value());
        assertEquals(TensorLayoutRules.PROGRESS_COLUMNS, ProgressUnit.COLUMNS.value());
    }

    @Test
    void elementSizesFollowTheDtypes()
    {
        assertEquals(1, ElementTypes.elementSize(Dtype.UINT8));
        assertEquals(1, ElementTypes.elementSize(Dtype.INT8));
        assertEquals(2, ElementTypes.elementSize(Dtype.UINT16));
        assertEquals(2, ElementTypes.elementSize(Dtype.INT16));
        assertEquals(4, ElementTypes.elementSize(Dtype.UINT32));
        assertEquals(4, ElementTypes.elementSize(Dtype.INT32));
        assertEquals(4, ElementTypes.elementSize(Dtype.FLOAT32));
        assertEquals(8, ElementTypes.elementSize(Dtype.UINT64));
        assertEquals(8, ElementTypes.elementSize(Dtype.INT64));
        assertEquals(8, ElementTypes.elementSize(Dtype.FLOAT64));
        assertEquals(1, ElementTypes.elementSize(Dtype.BOOLEAN));
        assertEquals(1, ElementTypes.elementSize(Dtype.BYTES));
        assertEquals(1, ElementTypes.elementSize(Dtype.BIT));
        assertEquals(-1, ElementTypes.elementSize((short)12), "12 is not in the registry");
        assertEquals(-1, ElementTypes.elementSize((short)15));
    }

    @Test
    void layoutConstantsMatchTheSpec()
    {
        assertEquals(64, ShmLayout.SUPERBLOCK_SIZE);
        assertEquals(256, ShmLayout.HEADER_SLOT_BYTES);
        assertEquals(8, ShmLayout.MAX_DIMS);
        assertEquals(60, ShmLayout.SLOT_HEADER_BLOCK_LENGTH);
        assertEquals(64, ShmLayout.SLOT_EMBEDDED_HEADER_OFFSET);
        assertEquals(72, ShmLayout.SLOT_TENSOR_HEADER_OFFSET);
        assertEquals(192, ShmLayout.TENSOR_HEADER_BYTES_LENGTH);
        assertEquals(184, ShmLayout.TH_BLOCK_LENGTH);
        assertEquals(52, ShmLayout.TH_TEMPLATE_ID);
        assertEquals(900, ShmLayout.WIRE_SCHEMA_ID);
        assertEquals(1, ShmLayout.WIRE_SCHEMA_VERSION);
        final int[][] offsets = {
            {ShmLayout.SB_MAGIC_OFFSET, 0}, {ShmLayout.SB_LAYOUT_VERSION_OFFSET, 8}, {ShmLayout.SB_EPOCH_OFFSET, 12},
            {ShmLayout.SB_STREAM_ID_OFFSET, 20}, {ShmLayout.SB_REGION_TYPE_OFFSET, 24},
            {ShmLayout.SB_POOL_ID_OFFSET, 26}, {ShmLayout.SB_NSLOTS_OFFSET, 28}, {ShmLayout.SB_SLOT_BYTES_OFFSET, 32},
            {ShmLayout.SB_STRIDE_BYTES_OFFSET, 36}, {ShmLayout.SB_PID_OFFSET, 40},
            {ShmLayout.SB_START_TIMESTAMP_OFFSET, 48}, {ShmLayout.SB_ACTIVITY_TIMESTAMP_OFFSET, 56},
            {ShmLayout.SLOT_SEQ_COMMIT_OFFSET, 0}, {ShmLayout.SLOT_VALUES_LEN_OFFSET, 8},
            {ShmLayout.SLOT_PAYLOAD_SLOT_OFFSET, 12}, {ShmLayout.SLOT_POOL_ID_OFFSET, 16},
            {ShmLayout.SLOT_PAYLOAD_OFFSET_OFFSET, 18}, {ShmLayout.SLOT_TIMESTAMP_OFFSET, 22},
            {ShmLayout.SLOT_META_VERSION_OFFSET, 30}, {ShmLayout.SLOT_PAD_OFFSET, 34},
            {ShmLayout.SLOT_HEADER_BYTES_LENGTH_OFFSET, 60},
            {ShmLayout.SLOT_TENSOR_HEADER_OFFSET + ShmLayout.TH_DTYPE_OFFSET, 72},
            {ShmLayout.SLOT_TENSOR_HEADER_OFFSET + ShmLayout.TH_MAJOR_ORDER_OFFSET, 74},
            {ShmLayout.SLOT_TENSOR_HEADER_OFFSET + ShmLayout.TH_NDIMS_OFFSET, 76},
            {ShmLayout.SLOT_TENSOR_HEADER_OFFSET + ShmLayout.TH_PAD_ALIGN_OFFSET, 77},
            {ShmLayout.SLOT_TENSOR_HEADER_OFFSET + ShmLayout.TH_PROGRESS_UNIT_OFFSET, 78},
            {ShmLayout.SLOT_TENSOR_HEADER_OFFSET + ShmLayout.TH_PROGRESS_STRIDE_OFFSET, 79},
            {ShmLayout.SLOT_TENSOR_HEADER_OFFSET + ShmLayout.TH_DIMS_OFFSET, 83},
            {ShmLayout.SLOT_TENSOR_HEADER_OFFSET + ShmLayout.TH_STRIDES_OFFSET, 115},
        };
        for (final int[] pair : offsets)
        {
            assertEquals(pair[1], pair[0], "ShmLayout constant for spec offset " + pair[1]);
        }
        assertEquals(64 + 3 * 256, ShmLayout.headerSlotOffset(3));
        assertEquals(64 + 3L * 65536, ShmLayout.payloadSlotOffset(3, 65536));
    }
}
