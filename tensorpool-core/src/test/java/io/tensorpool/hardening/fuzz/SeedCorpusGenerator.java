package io.tensorpool.hardening.fuzz;

import io.tensorpool.codecs.discovery.DiscoveryResponseEncoder;
import io.tensorpool.codecs.discovery.DiscoveryStatus;
import io.tensorpool.codecs.driver.HugepagesPolicy;
import io.tensorpool.codecs.driver.LeaseRevokeReason;
import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.driver.ShutdownReason;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.FrameProgressState;
import io.tensorpool.codecs.wire.MajorOrder;
import io.tensorpool.codecs.wire.Mode;
import io.tensorpool.codecs.wire.ProgressUnit;
import io.tensorpool.control.WireMessageEncoder;
import io.tensorpool.discovery.TestMessages;
import io.tensorpool.driver.DriverResponseEncoder;
import io.tensorpool.driver.client.DriverRequestEncoder;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.MappedRegion;
import io.tensorpool.shm.PoolDescriptor;
import io.tensorpool.shm.RegionSpec;
import io.tensorpool.shm.RegionUri;
import io.tensorpool.shm.ShmLayout;
import io.tensorpool.shm.SlotWriter;
import io.tensorpool.shm.StreamLayout;
import io.tensorpool.shm.StreamRegions;
import org.agrona.ExpandableArrayBuffer;
import io.tensorpool.shm.StreamRegionFiles;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Writes the committed seed corpora of the fuzz tests with the project's own encoders, so every seed is a message or
 * file a real peer produces and the fuzzer starts from deep inside each decoder. Jazzer's layout:
 * {@code <resources>/io/tensorpool/hardening/fuzz/<TestClass>Inputs/<method>/<name>}. Disabled unless
 * {@code -Dtensorpool.seeds.dir=<module>/src/test/resources} is given (see docs/hardening.md); re-run it when a schema
 * or encoder changes and commit the result.
 */
class SeedCorpusGenerator
{
    private static final String LAYOUT_DRIVER = "fuzz-driver";

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(8192);
    private Path root;

    @Test
    @EnabledIfSystemProperty(named = "tensorpool.seeds.dir", matches = ".+")
    void writeSeeds() throws IOException
    {
        root = Path.of(System.getProperty("tensorpool.seeds.dir"), "io/tensorpool/hardening/fuzz");
        wireSeeds();
        driverSeeds();
        discoverySeeds();
        shmSeeds();
        configSeeds();
    }

    private void wireSeeds() throws IOException
    {
        final WireMessageEncoder wire = new WireMessageEncoder();
        final StreamLayout layout = layout(10000, 3);
        final String dir = "ClientPollerFuzzTestInputs/wirePoller";
        write(dir, "shm-pool-announce", wire.buffer(), wire.shmPoolAnnounce(layout, 42, 1_000_000_000L));
        write(dir, "consumer-hello", wire.buffer(), wire.consumerHello(10000, 7, true, true, Mode.STREAM, 0, 1,
            1000, 4096, 1, 1101, 1001, "aeron:ipc?term-length=1m", "aeron:ipc"));
        write(dir, "consumer-config", wire.buffer(), wire.consumerConfig(10000, 7, true, Mode.STREAM, 1101, 1001,
            "aeron:ipc?alias=fallback", "aeron:ipc?term-length=1m", "aeron:ipc"));
        write(dir, "frame-descriptor", wire.buffer(), wire.frameDescriptor(10000, 3, 17, 1, 123456789L, 2));
        write(dir, "frame-progress", wire.buffer(), wire.frameProgress(10000, 3, 17, 1, 2048,
            FrameProgressState.PROGRESS));
        write(dir, "qos-consumer", wire.buffer(), wire.qosConsumer(10000, 7, 3, 16, 1, 2, Mode.STREAM));
        write(dir, "qos-producer", wire.buffer(), wire.qosProducer(10000, 42, 3, 17, 10));
        write(dir, "data-source-announce", wire.buffer(), wire.dataSourceAnnounce(10000, 42, 3, 2, "camera-1",
            "front camera"));
        write(dir, "data-source-meta", wire.buffer(), wire.dataSourceMeta(10000, 2, 1_000L,
            List.of("tag", "data_source_id"), List.of("text/plain", "text/plain"),
            List.of("rgb".getBytes(StandardCharsets.US_ASCII), "5".getBytes(StandardCharsets.US_ASCII))));
        write(dir, "control-response", wire.buffer(), wire.controlResponse(99,
            io.tensorpool.codecs.wire.ResponseCode.OK, "fine"));
        write(dir, "truncated-announce", wire.buffer(), wire.shmPoolAnnounce(layout, 42, 1L) - 20);

        final String announces = "ClientPollerFuzzTestInputs/poolAnnouncePoller";
        write(announces, "announce-two-pools", wire.buffer(), wire.shmPoolAnnounce(layout, 42, 1_000_000_000L));
        final DriverResponseEncoder responses = new DriverResponseEncoder();
        write(announces, "driver-announce", buffer, responses.poolAnnounce(buffer, 0, layout(10001, 9), 0,
            1_000_000_000L));

        final String events = "ClientPollerFuzzTestInputs/driverEventPoller";
        write(events, "attach-ok", buffer, responses.attachOk(buffer, 0, 5, 77, 5_000_000_000L, layout));
        write(events, "attach-error", buffer, responses.attachError(buffer, 0, 5, ResponseCode.REJECTED,
            "stream 10000 has a producer"));
        write(events, "detach-response", buffer, responses.detachResponse(buffer, 0, 6, ResponseCode.OK, ""));
        write(events, "lease-revoked", buffer, responses.leaseRevoked(buffer, 0, 1_000L, 77, 10000, 3,
            Role.CONSUMER, LeaseRevokeReason.EXPIRED, "keepalive missed"));
        write(events, "driver-shutdown", buffer, responses.driverShutdown(buffer, 0, 1_000L, ShutdownReason.ADMIN,
            "bye"));
        write(events, "attach-request-other-client", buffer, new DriverRequestEncoder().attachRequest(buffer, 0, 1,
            10000, 3, Role.PRODUCER, 1, PublishMode.EXISTING_OR_CREATE, HugepagesPolicy.UNSPECIFIED));
    }

    private void driverSeeds() throws IOException
    {
        final DriverRequestEncoder requests = new DriverRequestEncoder();
        final String dir = "ServiceHandlerFuzzTestInputs/driverConductor";
        write(dir, "attach-producer", buffer, requests.attachRequest(buffer, 0, 1, 10000, 3, Role.PRODUCER, 1,
            PublishMode.EXISTING_OR_CREATE, HugepagesPolicy.UNSPECIFIED));
        write(dir, "attach-consumer", buffer, requests.attachRequest(buffer, 0, 2, 10000, 4, Role.CONSUMER, 1,
            null, HugepagesPolicy.UNSPECIFIED));
        write(dir, "attach-unknown-stream", buffer, requests.attachRequest(buffer, 0, 3, 555, 4, Role.CONSUMER, 1,
            PublishMode.REQUIRE_EXISTING, HugepagesPolicy.STANDARD));
        write(dir, "detach", buffer, requests.detachRequest(buffer, 0, 4, 1234, 10000, 3, Role.PRODUCER));
        write(dir, "keepalive", buffer, requests.keepalive(buffer, 0, 1234, 10000, 3, Role.PRODUCER, 1_000L));
        write(dir, "shutdown-wrong-token", buffer, requests.shutdownRequest(buffer, 0, 5, ShutdownReason.ADMIN,
            "not-the-token", "please"));
        final WireMessageEncoder wire = new WireMessageEncoder();
        write(dir, "consumer-hello-on-control", wire.buffer(), wire.consumerHello(10000, 7, true, false, Mode.STREAM,
            0, 1, WireMessageEncoder.NULL_U32, WireMessageEncoder.NULL_U32, WireMessageEncoder.NULL_U32, 0, 0, null,
            null));
    }

    private void discoverySeeds() throws IOException
    {
        final String requests = "ServiceHandlerFuzzTestInputs/discoveryRequest";
        write(requests, "query-all", buffer, TestMessages.request(buffer, 1, "aeron:ipc?term-length=64k", 7011, ""));
        write(requests, "query-name-tags", buffer, TestMessages.request(buffer, 2, "aeron:ipc?term-length=64k", 7011,
            "camera-1", "rgb", "front"));

        final WireMessageEncoder wire = new WireMessageEncoder();
        final String feed = "ServiceHandlerFuzzTestInputs/discoveryFeed";
        write(feed, "shm-pool-announce", wire.buffer(), wire.shmPoolAnnounce(layout(10000, 3), 42, 1L));
        write(feed, "data-source-announce", wire.buffer(), wire.dataSourceAnnounce(10000, 42, 3, 2, "camera-1", ""));
        write(feed, "data-source-meta", wire.buffer(), wire.dataSourceMeta(10000, 2, 1_000L,
            List.of("tag", "tag", "data_source_id"), List.of("text/plain", "text/plain", "text/plain"),
            List.of(bytes("rgb"), bytes("front"), bytes("12"))));
        responseSeeds();
    }

    private void shmSeeds() throws IOException
    {
        final Path tmp = Files.createDirectories(Path.of("/dev/shm", "tp-seeds-" + UUID.randomUUID()));
        try (StreamRegions regions = ShmFuzzTest.createStream(tmp))
        {
            final SlotWriter writer = new SlotWriter(regions);
            final FrameClaim claim = new FrameClaim();
            final String dir = "ShmFuzzTestInputs/slotReader";
            long seq = 1;
            // 1-D bytes in the small pool
            seedSlot(dir, "u8-1d", regions, writer, claim, seq++, 100, c -> c.dtype(Dtype.UINT8).shape1d(100));
            // 2-D float32 row-major, contiguous inferred, large pool
            seedSlot(dir, "f32-2d-row", regions, writer, claim, seq++, 4 * 6 * 4,
                c -> c.dtype(Dtype.FLOAT32).majorOrder(MajorOrder.ROW).shape(new int[]{6, 4}, 2));
            // explicit strides with padding, column-major
            seedSlot(dir, "i16-2d-col-strided", regions, writer, claim, seq++, 80,
                c -> c.dtype(Dtype.INT16).majorOrder(MajorOrder.COLUMN).shape(new int[]{3, 5}, 2)
                    .strides(new int[]{2, 16}));
            // progress reporting in rows
            seedSlot(dir, "u16-3d-progress", regions, writer, claim, seq, 2 * 2 * 3 * 4,
                c -> c.dtype(Dtype.UINT16).majorOrder(MajorOrder.ROW).shape(new int[]{2, 3, 4}, 3)
                    .progress(ProgressUnit.ROWS, 24));
        }
        finally
        {
            StreamRegionFiles.deleteRecursively(tmp);
        }

        final Path files = Files.createDirectories(Path.of("/dev/shm", "tp-seeds-" + UUID.randomUUID()));
        try
        {
            final String dir = "ShmFuzzTestInputs/regionMap";
            final RegionSpec ring = RegionSpec.headerRing(ShmFuzzTest.STREAM_ID, ShmFuzzTest.EPOCH, ShmFuzzTest.NSLOTS);
            final RegionSpec pool = RegionSpec.payloadPool(ShmFuzzTest.STREAM_ID, ShmFuzzTest.EPOCH,
                ShmFuzzTest.POOL_IDS[0], ShmFuzzTest.NSLOTS, ShmFuzzTest.STRIDES[0]);
            writeRegionSeed(dir, "header-ring", (byte)0, files.resolve("ring"), ring);
            writeRegionSeed(dir, "payload-pool", (byte)1, files.resolve("pool"), pool);
        }
        finally
        {
            StreamRegionFiles.deleteRecursively(files);
        }

        final String uris = "ShmFuzzTestInputs/regionUri";
        writeText(uris, "plain", RegionUri.format("/a/region", false));
        writeText(uris, "hugepages", RegionUri.format("/a/region", true));
        writeText(uris, "explicit-false", "shm:file?path=/a/region|require_hugepages=false");
        writeText(uris, "dotdot", "shm:file?path=/a/../../../etc/passwd");
        writeText(uris, "symlink-escape", "shm:file?path=/escape/secret");
        writeText(uris, "fifo", "shm:file?path=/fifo");
        writeText(uris, "symlink-inside", "shm:file?path=/inside");
    }

    private interface Describe
    {
        void apply(FrameClaim claim);
    }

    private void seedSlot(
        final String dir, final String name, final StreamRegions regions, final SlotWriter writer,
        final FrameClaim claim, final long seq, final int length, final Describe describe) throws IOException
    {
        final int index = writer.claim(seq, length, claim);
        if (index < 0)
        {
            throw new IllegalStateException("claim failed: " + index);
        }
        for (int i = 0; i < length; i++)
        {
            claim.buffer().putByte(i, (byte)i);
        }
        describe.apply(claim);
        final int status = claim.commit();
        if (status != 0)
        {
            throw new IllegalStateException("seed frame " + name + " rejected by the writer: " + status);
        }
        final byte[] seed = new byte[1 + ShmLayout.HEADER_SLOT_BYTES];
        seed[0] = (byte)(1 | index << 1);
        regions.headerRing().buffer().getBytes(regions.headerRing().slotOffset(index), seed, 1,
            ShmLayout.HEADER_SLOT_BYTES);
        writeBytes(dir, name, seed);
    }

    private void writeRegionSeed(
        final String dir, final String name, final byte selector, final Path file, final RegionSpec spec)
        throws IOException
    {
        try (MappedRegion region = MappedRegion.create(file, spec, MappedRegion.PRIVATE_FILE_MODE, false, 1, 1))
        {
            region.buffer().capacity();
        }
        final byte[] content = Files.readAllBytes(file);
        final byte[] seed = new byte[content.length + 1];
        seed[0] = selector;
        System.arraycopy(content, 0, seed, 1, content.length);
        writeBytes(dir, name, seed);
    }

    private void configSeeds() throws IOException
    {
        final String dir = "DriverConfigFuzzTestInputs/driverConfig";
        writeText(dir, "minimal", """
            [driver]
            instance_id = "driver-a"

            [profiles.small]
            header_nslots = 16
            payload_pools = [ { pool_id = 1, stride_bytes = 4096 } ]

            [streams.cam]
            stream_id = 10000
            profile = "small"
            """);
        // the documented example configuration (module dir is the working directory under surefire)
        final Path example = Path.of("../docs/examples/driver.toml");
        if (Files.exists(example))
        {
            writeBytes(dir, "docs-example", Files.readAllBytes(example));
        }
    }

    private void responseSeeds() throws IOException
    {
        final String dir = "ServiceHandlerFuzzTestInputs/discoveryResponse";
        final DiscoveryResponseEncoder e = new DiscoveryResponseEncoder()
            .wrapAndApplyHeader(buffer, 0, new io.tensorpool.codecs.discovery.MessageHeaderEncoder())
            .requestId(1)
            .status(DiscoveryStatus.OK);
        final DiscoveryResponseEncoder.ResultsEncoder results = e.resultsCount(1);
        results.next()
            .streamId(10000)
            .producerId(9)
            .epoch(3)
            .layoutVersion(1)
            .headerNslots(8)
            .headerSlotBytes(256)
            .maxDims((short)8)
            .dataSourceId(DiscoveryResponseEncoder.ResultsEncoder.dataSourceIdNullValue())
            .driverControlStreamId(1000);
        results.payloadPoolsCount(1).next().poolId(1).poolNslots(8).strideBytes(4096)
            .regionUri("shm:file?path=/dev/shm/p");
        results.tagsCount(1).next().tag("cam");
        results.headerRegionUri("shm:file?path=/dev/shm/h").dataSourceName("camera-1")
            .driverInstanceId("drv").driverControlChannel("aeron:ipc");
        e.errorMessage("");
        write(dir, "one-result", buffer,
            io.tensorpool.codecs.discovery.MessageHeaderEncoder.ENCODED_LENGTH + e.encodedLength());
        final DiscoveryResponseEncoder error = new DiscoveryResponseEncoder()
            .wrapAndApplyHeader(buffer, 0, new io.tensorpool.codecs.discovery.MessageHeaderEncoder())
            .requestId(2)
            .status(DiscoveryStatus.ERROR);
        error.resultsCount(0);
        error.errorMessage("bad request");
        write(dir, "error", buffer,
            io.tensorpool.codecs.discovery.MessageHeaderEncoder.ENCODED_LENGTH + error.encodedLength());
    }

    private static StreamLayout layout(final int streamId, final long epoch)
    {
        final String base = "/dev/shm/tp/" + LAYOUT_DRIVER + "/" + streamId + "/epoch-" + epoch + "/";
        return new StreamLayout(streamId, epoch, 1, 8, RegionUri.format(base + "header.ring", false), List.of(
            new PoolDescriptor(1, 8, 4096, RegionUri.format(base + "payload-1.pool", false)),
            new PoolDescriptor(2, 8, 65536, RegionUri.format(base + "payload-2.pool", false))));
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private void write(final String dir, final String name, final MutableDirectBuffer source, final int length)
        throws IOException
    {
        final byte[] bytes = new byte[length];
        source.getBytes(0, bytes);
        writeBytes(dir, name, bytes);
    }

    private void writeText(final String dir, final String name, final String text) throws IOException
    {
        writeBytes(dir, name, text.getBytes(StandardCharsets.UTF_8));
    }

    private void writeBytes(final String dir, final String name, final byte[] bytes) throws IOException
    {
        final Path target = Files.createDirectories(root.resolve(dir)).resolve(name);
        Files.write(target, bytes);
    }
}
