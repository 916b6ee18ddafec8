package io.tensorpool.discovery;

import io.tensorpool.codecs.discovery.DiscoveryRequestEncoder;
import io.tensorpool.codecs.discovery.DiscoveryResponseEncoder;
import io.tensorpool.codecs.discovery.DiscoveryStatus;
import io.tensorpool.codecs.wire.ClockDomain;
import io.tensorpool.codecs.wire.DataSourceAnnounceEncoder;
import io.tensorpool.codecs.wire.DataSourceMetaEncoder;
import io.tensorpool.codecs.wire.MessageHeaderEncoder;
import io.tensorpool.codecs.wire.ShmPoolAnnounceEncoder;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

/** Hand-encoded wire messages for discovery tests, built with the generated encoders. Returns encoded lengths. */
public final class TestMessages
{
    private TestMessages()
    {
    }

    static String headerUri(final String driver, final int streamId, final long epoch)
    {
        return "shm:file?path=/dev/shm/tp/" + driver + "/" + streamId + "/epoch-" + epoch + "/header.ring";
    }

    static String poolUri(final String driver, final int streamId, final long epoch, final int poolId)
    {
        return "shm:file?path=/dev/shm/tp/" + driver + "/" + streamId + "/epoch-" + epoch + "/payload-" + poolId +
            ".pool";
    }

    /** A valid announce with two pools of {@code nslots} slots. */
    static int poolAnnounce(
        final MutableDirectBuffer buffer, final String driver, final int streamId, final int producerId,
        final long epoch, final int nslots)
    {
        return poolAnnounce(buffer, driver, streamId, producerId, epoch, nslots, nslots, 256);
    }

    static int poolAnnounce(
        final MutableDirectBuffer buffer, final String driver, final int streamId, final int producerId,
        final long epoch, final int nslots, final int secondPoolNslots, final int headerSlotBytes)
    {
        final ShmPoolAnnounceEncoder e = new ShmPoolAnnounceEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .streamId(streamId)
            .producerId(producerId)
            .epoch(epoch)
            .announceTimestampNs(System.nanoTime())
            .announceClockDomain(ClockDomain.MONOTONIC)
            .layoutVersion(1)
            .headerNslots(nslots)
            .headerSlotBytes(headerSlotBytes);
        final ShmPoolAnnounceEncoder.PayloadPoolsEncoder pools = e.payloadPoolsCount(2);
        pools.next().poolId(1).poolNslots(nslots).strideBytes(4096).regionUri(poolUri(driver, streamId, epoch, 1));
        pools.next().poolId(2).poolNslots(secondPoolNslots).strideBytes(65536)
            .regionUri(poolUri(driver, streamId, epoch, 2));
        e.headerRegionUri(headerUri(driver, streamId, epoch));
        return MessageHeaderEncoder.ENCODED_LENGTH + e.encodedLength();
    }

    static int sourceAnnounce(
        final MutableDirectBuffer buffer, final int streamId, final int producerId, final long epoch,
        final byte[] name)
    {
        final DataSourceAnnounceEncoder e = new DataSourceAnnounceEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .streamId(streamId)
            .producerId(producerId)
            .epoch(epoch)
            .metaVersion(1)
            .putName(name, 0, name.length)
            .summary("float32[4]");
        return MessageHeaderEncoder.ENCODED_LENGTH + e.encodedLength();
    }

    static int sourceAnnounce(
        final MutableDirectBuffer buffer, final int streamId, final int producerId, final long epoch,
        final String name)
    {
        return sourceAnnounce(buffer, streamId, producerId, epoch, name.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A {@code DataSourceMeta} with the given attributes as key, format, value triples. */
    static int sourceMeta(final MutableDirectBuffer buffer, final int streamId, final String... keyFormatValue)
    {
        final DataSourceMetaEncoder e = new DataSourceMetaEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .streamId(streamId)
            .metaVersion(1)
            .timestampNs(123);
        final DataSourceMetaEncoder.AttributesEncoder attributes = e.attributesCount(keyFormatValue.length / 3);
        for (int i = 0; i < keyFormatValue.length; i += 3)
        {
            final byte[] value = keyFormatValue[i + 2].getBytes(StandardCharsets.ISO_8859_1);
            attributes.next().key(keyFormatValue[i]).format(keyFormatValue[i + 1]).putValue(value, 0, value.length);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + e.encodedLength();
    }

    /** Declaration per docs/DESIGN.md: tags as {@code tag} attributes, id as {@code data_source_id}. */
    static int declaration(final MutableDirectBuffer buffer, final int streamId, final Long id, final String... tags)
    {
        final String[] kfv = new String[(tags.length + (id == null ? 0 : 1)) * 3];
        int i = 0;
        for (final String tag : tags)
        {
            kfv[i++] = "tag";
            kfv[i++] = "text/plain";
            kfv[i++] = tag;
        }
        if (id != null)
        {
            kfv[i++] = "data_source_id";
            kfv[i++] = "text/plain";
            kfv[i] = Long.toUnsignedString(id);
        }
        return sourceMeta(buffer, streamId, kfv);
    }

    /** A raw request, so tests can send what a well-behaved client never would. */
    /** A {@code DiscoveryRequest} (Discovery §5) by name and tags; client id 7, no stream/producer/source filter. */
    public static int request(
        final MutableDirectBuffer buffer, final long requestId, final String responseChannel,
        final long responseStreamId, final String name, final String... tags)
    {
        final DiscoveryRequestEncoder e = new DiscoveryRequestEncoder()
            .wrapAndApplyHeader(buffer, 0, new io.tensorpool.codecs.discovery.MessageHeaderEncoder())
            .requestId(requestId)
            .clientId(7)
            .responseStreamId(responseStreamId)
            .streamId(DiscoveryRequestEncoder.streamIdNullValue())
            .producerId(DiscoveryRequestEncoder.producerIdNullValue())
            .dataSourceId(DiscoveryRequestEncoder.dataSourceIdNullValue());
        final DiscoveryRequestEncoder.TagsEncoder t = e.tagsCount(tags.length);
        for (final String tag : tags)
        {
            final byte[] bytes = tag.getBytes(StandardCharsets.ISO_8859_1);
            t.next().putTag(bytes, 0, bytes.length);
        }
        e.responseChannel(responseChannel);
        final byte[] nameBytes = name.getBytes(StandardCharsets.ISO_8859_1);
        e.putDataSourceName(nameBytes, 0, nameBytes.length);
        return io.tensorpool.codecs.discovery.MessageHeaderEncoder.ENCODED_LENGTH + e.encodedLength();
    }

    /** Response header + status, then the caller encodes results via the returned encoder. */
    static DiscoveryResponseEncoder response(
        final ExpandableArrayBuffer buffer, final long requestId, final DiscoveryStatus status)
    {
        return new DiscoveryResponseEncoder()
            .wrapAndApplyHeader(buffer, 0, new io.tensorpool.codecs.discovery.MessageHeaderEncoder())
            .requestId(requestId)
            .status(status);
    }

    /** One result with the given authority and nslots, everything else valid. */
    static void result(
        final DiscoveryResponseEncoder.ResultsEncoder results, final int streamId, final String controlChannel,
        final long controlStreamId, final int headerNslots, final int poolNslots)
    {
        results.next()
            .streamId(streamId)
            .producerId(9)
            .epoch(3)
            .layoutVersion(1)
            .headerNslots(headerNslots)
            .headerSlotBytes(256)
            .maxDims((short)8)
            .dataSourceId(DiscoveryResponseEncoder.ResultsEncoder.dataSourceIdNullValue())
            .driverControlStreamId(controlStreamId);
        results.payloadPoolsCount(1).next().poolId(1).poolNslots(poolNslots).strideBytes(4096)
            .regionUri("shm:file?path=/dev/shm/p");
        results.tagsCount(1).next().tag("cam");
        results.headerRegionUri("shm:file?path=/dev/shm/h").dataSourceName("name-" + streamId)
            .driverInstanceId("drv").driverControlChannel(controlChannel);
    }
}
