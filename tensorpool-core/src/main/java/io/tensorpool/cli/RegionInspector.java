package io.tensorpool.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.MajorOrder;
import io.tensorpool.codecs.wire.MessageHeaderDecoder;
import io.tensorpool.codecs.wire.ProgressUnit;
import io.tensorpool.codecs.wire.RegionType;
import io.tensorpool.shm.FrameView;
import io.tensorpool.shm.HeaderRing;
import io.tensorpool.shm.MappedRegion;
import io.tensorpool.shm.PayloadPool;
import io.tensorpool.shm.RegionPathPolicy;
import io.tensorpool.shm.RegionSpec;
import io.tensorpool.shm.RegionUri;
import io.tensorpool.shm.SeqCommit;
import io.tensorpool.shm.ShmValidationException;
import io.tensorpool.shm.SlotReader;
import io.tensorpool.shm.StreamRegions;
import io.tensorpool.tensor.TensorLayoutRules;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;

import static io.tensorpool.shm.ShmLayout.*;

/**
 * Reads region files directly, read-only, and describes them as a JSON tree using the schema's field names (Wire §7.1
 * superblock, §8.2 SlotHeader and TensorHeader). Every file is opened and validated the way a consumer maps it (path
 * checks, size, full superblock validation); a slot is judged by the consumer's own {@link SlotReader} when the
 * stream's payload pools were given too, otherwise by the header-only subset of the same rules.
 */
public final class RegionInspector implements AutoCloseable
{
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final List<MappedRegion> headerRings = new ArrayList<>();
    private final List<MappedRegion> payloadPools = new ArrayList<>();

    private RegionInspector()
    {
    }

    /**
     * Open every file (a directory stands for its {@code header.ring} and {@code payload-*.pool} files).
     *
     * @throws CliFailure naming the first file that is missing, unreadable or not a valid region.
     */
    public static RegionInspector open(final List<Path> paths)
    {
        final RegionInspector inspector = new RegionInspector();
        try
        {
            for (final Path file : expand(paths))
            {
                final MappedRegion region = mapReadOnly(file);
                if (region.spec().regionType() == RegionType.HEADER_RING)
                {
                    inspector.headerRings.add(region);
                }
                else
                {
                    inspector.payloadPools.add(region);
                }
            }
            return inspector;
        }
        catch (final RuntimeException ex)
        {
            inspector.close();
            throw ex;
        }
    }

    /** The report: {@code {"regions": [...]}}, one entry per file in the order given. */
    public ObjectNode report()
    {
        final ObjectNode root = JSON.objectNode();
        final ArrayNode regions = root.putArray("regions");
        for (final MappedRegion ring : headerRings)
        {
            regions.add(describeHeaderRing(ring));
        }
        for (final MappedRegion pool : payloadPools)
        {
            regions.add(describeRegion(pool));
        }
        return root;
    }

    @Override
    public void close()
    {
        CloseHelper.quietCloseAll(headerRings);
        CloseHelper.quietCloseAll(payloadPools);
    }

    private static List<Path> expand(final List<Path> paths)
    {
        final List<Path> files = new ArrayList<>();
        for (final Path path : paths)
        {
            if (Files.isDirectory(path))
            {
                final List<Path> inDir = new ArrayList<>();
                try (DirectoryStream<Path> dir = Files.newDirectoryStream(path, "{header.ring,payload-*.pool}"))
                {
                    dir.forEach(inDir::add);
                }
                catch (final IOException ex)
                {
                    throw new CliFailure("cannot list directory " + path + ": " + ex.getMessage(), ex);
                }
                if (inDir.isEmpty())
                {
                    throw new CliFailure("no header.ring or payload-*.pool files in directory " + path);
                }
                inDir.sort(null);
                files.addAll(inDir);
            }
            else
            {
                files.add(path);
            }
        }
        return files;
    }

    /**
     * Map one file as a consumer would: the superblock names the spec, then {@link MappedRegion#map} re-checks path,
     * file type, size and every superblock field against it.
     */
    static MappedRegion mapReadOnly(final Path file)
    {
        final Path canonical;
        try
        {
            canonical = file.toAbsolutePath().toRealPath();
        }
        catch (final NoSuchFileException ex)
        {
            throw new CliFailure("no such file: " + file);
        }
        catch (final IOException ex)
        {
            throw new CliFailure("cannot resolve " + file + ": " + ex.getMessage(), ex);
        }
        if (!Files.isRegularFile(canonical, LinkOption.NOFOLLOW_LINKS))
        {
            throw new CliFailure("not a regular file: " + file);
        }

        final ByteBuffer superblock = ByteBuffer.allocate(SUPERBLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        final long size;
        try (FileChannel channel = FileChannel.open(canonical, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))
        {
            size = channel.size();
            while (superblock.hasRemaining() && channel.read(superblock) > 0)
            {
                // read until the superblock is complete or the file ends
            }
        }
        catch (final IOException ex)
        {
            throw new CliFailure("cannot read " + file + ": " + ex.getMessage(), ex);
        }
        if (size < SUPERBLOCK_SIZE)
        {
            throw new CliFailure("not a region file: " + file + " is " + size +
                " bytes, smaller than the 64-byte superblock");
        }
        final UnsafeBuffer sb = new UnsafeBuffer(superblock.array());
        final long magic = sb.getLong(SB_MAGIC_OFFSET);
        if (magic != MAGIC)
        {
            throw new CliFailure("not a region file: " + file + " has magic 0x" + Long.toHexString(magic) +
                ", expected 0x" + Long.toHexString(MAGIC) + " (TPOLSHM1)");
        }

        try
        {
            final RegionSpec spec = specOf(sb, file);
            return MappedRegion.map(RegionUri.format(canonical.toString(), false), spec,
                RegionPathPolicy.of(canonical.getParent()), false);
        }
        catch (final ShmValidationException ex)
        {
            throw new CliFailure("invalid region file " + file + ": " + ex.getMessage(), ex);
        }
    }

    private static RegionSpec specOf(final UnsafeBuffer sb, final Path file)
    {
        final short regionType = sb.getShort(SB_REGION_TYPE_OFFSET);
        final int streamId = sb.getInt(SB_STREAM_ID_OFFSET);
        final long epoch = sb.getLong(SB_EPOCH_OFFSET);
        final long nslots = sb.getInt(SB_NSLOTS_OFFSET) & 0xFFFF_FFFFL;
        if (regionType == RegionType.HEADER_RING.value())
        {
            RegionSpec.checkNslots(nslots);
            return RegionSpec.headerRing(streamId, epoch, (int)nslots);
        }
        if (regionType == RegionType.PAYLOAD_POOL.value())
        {
            RegionSpec.checkNslots(nslots);
            return RegionSpec.payloadPool(streamId, epoch, sb.getShort(SB_POOL_ID_OFFSET) & 0xFFFF, (int)nslots,
                sb.getInt(SB_STRIDE_BYTES_OFFSET));
        }
        throw new ShmValidationException("superblock region_type " + regionType + " is neither HEADER_RING (1) nor " +
            "PAYLOAD_POOL (2)");
    }

    private ObjectNode describeRegion(final MappedRegion region)
    {
        final ObjectNode node = JSON.objectNode();
        node.put("path", region.path().toString());
        final UnsafeBuffer b = region.buffer();
        final ObjectNode sb = node.putObject("superblock");
        putU64(sb, "magic", b.getLong(SB_MAGIC_OFFSET));
        sb.put("layoutVersion", u32(b.getInt(SB_LAYOUT_VERSION_OFFSET)));
        putU64(sb, "epoch", b.getLong(SB_EPOCH_OFFSET));
        sb.put("streamId", u32(b.getInt(SB_STREAM_ID_OFFSET)));
        sb.put("regionType", region.spec().regionType().name());
        sb.put("poolId", b.getShort(SB_POOL_ID_OFFSET) & 0xFFFF);
        sb.put("nslots", u32(b.getInt(SB_NSLOTS_OFFSET)));
        sb.put("slotBytes", u32(b.getInt(SB_SLOT_BYTES_OFFSET)));
        sb.put("strideBytes", u32(b.getInt(SB_STRIDE_BYTES_OFFSET)));
        putU64(sb, "pid", b.getLong(SB_PID_OFFSET));
        putU64(sb, "startTimestampNs", b.getLong(SB_START_TIMESTAMP_OFFSET));
        putU64(sb, "activityTimestampNs", b.getLongVolatile(SB_ACTIVITY_TIMESTAMP_OFFSET));
        return node;
    }

    private ObjectNode describeHeaderRing(final MappedRegion ring)
    {
        final ObjectNode node = describeRegion(ring);
        final List<MappedRegion> pools = poolsOf(ring);
        final ArrayNode poolIds = node.putArray("payloadPoolsGiven");
        pools.forEach(pool -> poolIds.add(pool.spec().poolId()));

        StreamRegions stream = null;
        if (!pools.isEmpty())
        {
            try
            {
                stream = new StreamRegions(ring, pools);
            }
            catch (final ShmValidationException ex)
            {
                throw new CliFailure("payload pools do not belong with " + ring.path() + ": " + ex.getMessage(), ex);
            }
        }
        final SlotReader reader = stream == null ? null : new SlotReader(stream);
        final FrameView view = new FrameView();
        final HeaderRing headerRing = new HeaderRing(ring);

        final ArrayNode slots = node.putArray("slots");
        int nonEmpty = 0;
        for (int index = 0; index < headerRing.nslots(); index++)
        {
            if (isEmptySlot(headerRing, index))
            {
                continue;
            }
            nonEmpty++;
            slots.add(describeSlot(headerRing, index, stream, reader, view));
        }
        node.put("nonEmptySlots", nonEmpty);
        return node;
    }

    private List<MappedRegion> poolsOf(final MappedRegion ring)
    {
        final List<MappedRegion> pools = new ArrayList<>();
        for (final MappedRegion pool : payloadPools)
        {
            if (pool.spec().streamId() == ring.spec().streamId() && pool.spec().epoch() == ring.spec().epoch() &&
                Objects.equals(pool.path().getParent(), ring.path().getParent()))
            {
                pools.add(pool);
            }
        }
        return pools;
    }

    private static boolean isEmptySlot(final HeaderRing ring, final int index)
    {
        final UnsafeBuffer b = ring.buffer();
        final int base = ring.slotOffset(index);
        for (int offset = 0; offset < HEADER_SLOT_BYTES; offset += 8)
        {
            if (b.getLong(base + offset) != 0)
            {
                return false;
            }
        }
        return true;
    }

    private static ObjectNode describeSlot(
        final HeaderRing ring,
        final int index,
        final StreamRegions stream,
        final SlotReader reader,
        final FrameView view)
    {
        final UnsafeBuffer b = ring.buffer();
        final int base = ring.slotOffset(index);
        final long word = b.getLongAcquire(base + SLOT_SEQ_COMMIT_OFFSET);
        final boolean committed = SeqCommit.isCommitted(word);

        final ObjectNode slot = JSON.objectNode();
        slot.put("headerIndex", index);
        putU64(slot, "seq", SeqCommit.sequence(word));
        slot.put("committed", committed);

        final String invalidReason;
        if (!committed)
        {
            invalidReason = SlotReader.describe(SlotReader.NOT_COMMITTED);
        }
        else if (reader != null)
        {
            final int status = reader.begin(index, SeqCommit.sequence(word), view);
            invalidReason = status == SlotReader.OK ? null : status == SlotReader.BAD_TENSOR_LAYOUT ?
                SlotReader.describe(status) + ": " + TensorLayoutRules.describe(reader.lastLayoutReason()) :
                SlotReader.describe(status);
        }
        else
        {
            invalidReason = headerOnlyReason(b, base, index);
        }
        slot.put("valid", invalidReason == null);
        if (invalidReason != null)
        {
            slot.put("invalidReason", invalidReason);
        }
        if (reader == null)
        {
            slot.put("validation", "header only (no payload pool files given)");
        }

        final long valuesLen = u32(b.getInt(base + SLOT_VALUES_LEN_OFFSET));
        final long payloadSlot = u32(b.getInt(base + SLOT_PAYLOAD_SLOT_OFFSET));
        final int poolId = b.getShort(base + SLOT_POOL_ID_OFFSET) & 0xFFFF;
        final ObjectNode header = slot.putObject("slotHeader");
        putU64(header, "seqCommit", word);
        header.put("valuesLenBytes", valuesLen);
        header.put("payloadSlot", payloadSlot);
        header.put("poolId", poolId);
        header.put("payloadOffset", u32(b.getInt(base + SLOT_PAYLOAD_OFFSET_OFFSET)));
        putU64(header, "timestampNs", b.getLong(base + SLOT_TIMESTAMP_OFFSET));
        header.put("metaVersion", u32(b.getInt(base + SLOT_META_VERSION_OFFSET)));
        final int embedded = base + SLOT_EMBEDDED_HEADER_OFFSET;
        final ObjectNode headerBytes = header.putObject("headerBytes");
        headerBytes.put("length", u32(b.getInt(base + SLOT_HEADER_BYTES_LENGTH_OFFSET)));
        headerBytes.put("blockLength", u16(b, embedded + MessageHeaderDecoder.blockLengthEncodingOffset()));
        headerBytes.put("templateId", u16(b, embedded + MessageHeaderDecoder.templateIdEncodingOffset()));
        headerBytes.put("schemaId", u16(b, embedded + MessageHeaderDecoder.schemaIdEncodingOffset()));
        headerBytes.put("version", u16(b, embedded + MessageHeaderDecoder.versionEncodingOffset()));

        final int th = base + SLOT_TENSOR_HEADER_OFFSET;
        final int ndims = b.getByte(th + TH_NDIMS_OFFSET) & 0xFF;
        final ObjectNode tensor = slot.putObject("tensorHeader");
        putEnum(tensor, "dtype", b.getShort(th + TH_DTYPE_OFFSET), Dtype.class);
        putEnum(tensor, "majorOrder", b.getShort(th + TH_MAJOR_ORDER_OFFSET), MajorOrder.class);
        tensor.put("ndims", ndims);
        tensor.put("padAlign", b.getByte(th + TH_PAD_ALIGN_OFFSET) & 0xFF);
        putEnum(tensor, "progressUnit", (short)(b.getByte(th + TH_PROGRESS_UNIT_OFFSET) & 0xFF), ProgressUnit.class);
        tensor.put("progressStrideBytes", u32(b.getInt(th + TH_PROGRESS_STRIDE_OFFSET)));
        final ArrayNode dims = tensor.putArray("dims");
        final ArrayNode strides = tensor.putArray("strides");
        for (int i = 0; i < Math.min(ndims, MAX_DIMS); i++)
        {
            dims.add(b.getInt(th + TH_DIMS_OFFSET + i * 4));
            strides.add(b.getInt(th + TH_STRIDES_OFFSET + i * 4));
        }

        final PayloadPool pool = stream == null ? null : stream.poolById(poolId);
        if (pool != null && payloadSlot < pool.nslots() && valuesLen <= u32(pool.strideBytes()))
        {
            final CRC32 crc = new CRC32();
            final UnsafeBuffer poolBuffer = pool.region().buffer();
            final byte[] bytes = new byte[(int)valuesLen];
            poolBuffer.getBytes(pool.slotOffset((int)payloadSlot), bytes);
            crc.update(bytes);
            slot.put("payloadCrc32", crc.getValue());
        }
        return slot;
    }

    /** The checks of {@link SlotReader#begin} that need no payload pool, in the same order. */
    private static String headerOnlyReason(final UnsafeBuffer b, final int base, final int index)
    {
        final int embedded = base + SLOT_EMBEDDED_HEADER_OFFSET;
        if (u32(b.getInt(base + SLOT_HEADER_BYTES_LENGTH_OFFSET)) != TENSOR_HEADER_BYTES_LENGTH ||
            u16(b, embedded + MessageHeaderDecoder.blockLengthEncodingOffset()) != TH_BLOCK_LENGTH ||
            u16(b, embedded + MessageHeaderDecoder.templateIdEncodingOffset()) != TH_TEMPLATE_ID ||
            u16(b, embedded + MessageHeaderDecoder.schemaIdEncodingOffset()) != WIRE_SCHEMA_ID ||
            u16(b, embedded + MessageHeaderDecoder.versionEncodingOffset()) != WIRE_SCHEMA_VERSION)
        {
            return SlotReader.describe(SlotReader.BAD_EMBEDDED_HEADER);
        }
        if (b.getInt(base + SLOT_PAYLOAD_OFFSET_OFFSET) != 0)
        {
            return SlotReader.describe(SlotReader.BAD_PAYLOAD_OFFSET);
        }
        if (u32(b.getInt(base + SLOT_PAYLOAD_SLOT_OFFSET)) != index)
        {
            return SlotReader.describe(SlotReader.BAD_PAYLOAD_SLOT);
        }
        final int th = base + SLOT_TENSOR_HEADER_OFFSET;
        final int ndims = b.getByte(th + TH_NDIMS_OFFSET) & 0xFF;
        final int[] dims = new int[MAX_DIMS];
        final int[] strides = new int[MAX_DIMS];
        for (int i = 0; i < Math.min(ndims, MAX_DIMS); i++)
        {
            dims[i] = b.getInt(th + TH_DIMS_OFFSET + i * 4);
            strides[i] = b.getInt(th + TH_STRIDES_OFFSET + i * 4);
        }
        final int layout = TensorLayoutRules.validate(b.getShort(th + TH_DTYPE_OFFSET),
            b.getShort(th + TH_MAJOR_ORDER_OFFSET), ndims, dims, strides,
            (short)(b.getByte(th + TH_PROGRESS_UNIT_OFFSET) & 0xFF), u32(b.getInt(th + TH_PROGRESS_STRIDE_OFFSET)),
            u32(b.getInt(base + SLOT_VALUES_LEN_OFFSET)), new long[MAX_DIMS]);
        return layout == TensorLayoutRules.OK ? null :
            SlotReader.describe(SlotReader.BAD_TENSOR_LAYOUT) + ": " + TensorLayoutRules.describe(layout);
    }

    private static <E extends Enum<E>> void putEnum(
        final ObjectNode node, final String field, final short raw, final Class<E> type)
    {
        for (final E constant : type.getEnumConstants())
        {
            if (!"NULL_VAL".equals(constant.name()) && rawValue(constant) == raw)
            {
                node.put(field, constant.name());
                return;
            }
        }
        node.put(field, raw);
    }

    private static long rawValue(final Enum<?> constant)
    {
        if (constant instanceof Dtype)
        {
            return ((Dtype)constant).value();
        }
        if (constant instanceof MajorOrder)
        {
            return ((MajorOrder)constant).value();
        }
        return ((ProgressUnit)constant).value();
    }

    private static void putU64(final ObjectNode node, final String field, final long value)
    {
        if (value >= 0)
        {
            node.put(field, value);
        }
        else
        {
            node.put(field, new BigInteger(Long.toUnsignedString(value)));
        }
    }

    private static long u32(final int value)
    {
        return value & 0xFFFF_FFFFL;
    }

    private static int u16(final UnsafeBuffer b, final int offset)
    {
        return b.getShort(offset) & 0xFFFF;
    }
}
