package io.tensorpool.control;

import io.tensorpool.codecs.wire.Bool;
import io.tensorpool.codecs.wire.ClockDomain;
import io.tensorpool.codecs.wire.ConsumerConfigEncoder;
import io.tensorpool.codecs.wire.ConsumerHelloEncoder;
import io.tensorpool.codecs.wire.ControlResponseEncoder;
import io.tensorpool.codecs.wire.DataSourceAnnounceEncoder;
import io.tensorpool.codecs.wire.DataSourceMetaEncoder;
import io.tensorpool.codecs.wire.FrameDescriptorEncoder;
import io.tensorpool.codecs.wire.FrameProgressEncoder;
import io.tensorpool.codecs.wire.FrameProgressState;
import io.tensorpool.codecs.wire.MessageHeaderEncoder;
import io.tensorpool.codecs.wire.MetaBlobAnnounceEncoder;
import io.tensorpool.codecs.wire.MetaBlobChunkEncoder;
import io.tensorpool.codecs.wire.MetaBlobCompleteEncoder;
import io.tensorpool.codecs.wire.Mode;
import io.tensorpool.codecs.wire.QosConsumerEncoder;
import io.tensorpool.codecs.wire.QosProducerEncoder;
import io.tensorpool.codecs.wire.ResponseCode;
import io.tensorpool.codecs.wire.ShmPoolAnnounceEncoder;
import io.tensorpool.shm.PoolDescriptor;
import io.tensorpool.shm.ShmLayout;
import io.tensorpool.shm.StreamLayout;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.List;

/**
 * Encodes every Wire v1.1 control-plane message this implementation sends (schema 900, version 1) into one reusable
 * buffer, header included. Each method returns the encoded length; the bytes are in {@link #buffer()} from offset 0
 * until the next call. {@link #frameDescriptor} and {@link #frameProgress} allocate nothing; messages with strings
 * encode them as US-ASCII (they are sent at announce cadence, not per frame). Absent optional primitives are written
 * as the schema's nullValue (Wire §10.1). Not thread-safe.
 */
public final class WireMessageEncoder
{
    /** Null value of optional u32 fields (Wire §10.1). */
    public static final long NULL_U32 = 0xFFFF_FFFFL;
    /** Null value of optional u64 fields (Wire §10.1). */
    public static final long NULL_U64 = 0xFFFF_FFFF_FFFF_FFFFL;

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ShmPoolAnnounceEncoder shmPoolAnnounce = new ShmPoolAnnounceEncoder();
    private final ConsumerHelloEncoder consumerHello = new ConsumerHelloEncoder();
    private final ConsumerConfigEncoder consumerConfig = new ConsumerConfigEncoder();
    private final FrameDescriptorEncoder frameDescriptor = new FrameDescriptorEncoder();
    private final FrameProgressEncoder frameProgress = new FrameProgressEncoder();
    private final QosConsumerEncoder qosConsumer = new QosConsumerEncoder();
    private final QosProducerEncoder qosProducer = new QosProducerEncoder();
    private final DataSourceAnnounceEncoder dataSourceAnnounce = new DataSourceAnnounceEncoder();
    private final DataSourceMetaEncoder dataSourceMeta = new DataSourceMetaEncoder();
    private final ControlResponseEncoder controlResponse = new ControlResponseEncoder();
    private final MetaBlobAnnounceEncoder metaBlobAnnounce = new MetaBlobAnnounceEncoder();
    private final MetaBlobChunkEncoder metaBlobChunk = new MetaBlobChunkEncoder();
    private final MetaBlobCompleteEncoder metaBlobComplete = new MetaBlobCompleteEncoder();

    /** The buffer holding the last encoded message at offset 0. */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /** {@code ShmPoolAnnounce} (Wire §10.1.1) for a layout, clock domain MONOTONIC, header slot bytes 256. */
    public int shmPoolAnnounce(final StreamLayout layout, final int producerId, final long announceTimestampNs)
    {
        return shmPoolAnnounce(buffer, 0, layout, producerId, announceTimestampNs);
    }

    /**
     * {@code ShmPoolAnnounce} as {@link #shmPoolAnnounce(StreamLayout, int, long)}, written into {@code target} at
     * {@code offset} instead of {@link #buffer()}: the one encoding of a layout's announce, whether the producer
     * (standalone, Wire §10.1.1) or the driver (Driver §8) sends it.
     *
     * @return the encoded length, header included.
     */
    public int shmPoolAnnounce(
        final MutableDirectBuffer target,
        final int offset,
        final StreamLayout layout,
        final int producerId,
        final long announceTimestampNs)
    {
        shmPoolAnnounce.wrapAndApplyHeader(target, offset, header)
            .streamId(layout.streamId() & 0xFFFF_FFFFL)
            .producerId(producerId & 0xFFFF_FFFFL)
            .epoch(layout.epoch())
            .announceTimestampNs(announceTimestampNs)
            .announceClockDomain(ClockDomain.MONOTONIC)
            .layoutVersion(layout.layoutVersion() & 0xFFFF_FFFFL)
            .headerNslots(layout.headerNslots() & 0xFFFF_FFFFL)
            .headerSlotBytes(ShmLayout.HEADER_SLOT_BYTES);
        final List<PoolDescriptor> pools = layout.pools();
        final ShmPoolAnnounceEncoder.PayloadPoolsEncoder group = shmPoolAnnounce.payloadPoolsCount(pools.size());
        for (int i = 0; i < pools.size(); i++)
        {
            final PoolDescriptor pool = pools.get(i);
            group.next()
                .poolId(pool.poolId())
                .poolNslots(pool.nslots() & 0xFFFF_FFFFL)
                .strideBytes(pool.strideBytes() & 0xFFFF_FFFFL)
                .regionUri(pool.regionUri());
        }
        shmPoolAnnounce.headerRegionUri(layout.headerRegionUri());
        return MessageHeaderEncoder.ENCODED_LENGTH + shmPoolAnnounce.encodedLength();
    }

    /**
     * {@code ConsumerHello} (Wire §10.1.2). Progress hints use {@link #NULL_U32} when absent; an empty channel (or
     * null) means "not requested".
     */
    public int consumerHello(
        final int streamId,
        final int consumerId,
        final boolean supportsShm,
        final boolean supportsProgress,
        final Mode mode,
        final long maxRateHz,
        final long expectedLayoutVersion,
        final long progressIntervalUs,
        final long progressBytesDelta,
        final long progressMajorDeltaUnits,
        final int descriptorStreamId,
        final int controlStreamId,
        final String descriptorChannel,
        final String controlChannel)
    {
        consumerHello.wrapAndApplyHeader(buffer, 0, header)
            .streamId(streamId & 0xFFFF_FFFFL)
            .consumerId(consumerId & 0xFFFF_FFFFL)
            .supportsShm(supportsShm ? Bool.TRUE : Bool.FALSE)
            .supportsProgress(supportsProgress ? Bool.TRUE : Bool.FALSE)
            .mode(mode)
            .maxRateHz(maxRateHz)
            .expectedLayoutVersion(expectedLayoutVersion)
            .progressIntervalUs(progressIntervalUs)
            .progressBytesDelta(progressBytesDelta)
            .progressMajorDeltaUnits(progressMajorDeltaUnits)
            .descriptorStreamId(descriptorStreamId & 0xFFFF_FFFFL)
            .controlStreamId(controlStreamId & 0xFFFF_FFFFL)
            .descriptorChannel(descriptorChannel == null ? "" : descriptorChannel)
            .controlChannel(controlChannel == null ? "" : controlChannel);
        return MessageHeaderEncoder.ENCODED_LENGTH + consumerHello.encodedLength();
    }

    /** {@code ConsumerConfig} (Wire §10.1.3); a declined stream is an empty channel with id 0. */
    public int consumerConfig(
        final int streamId,
        final int consumerId,
        final boolean useShm,
        final Mode mode,
        final int descriptorStreamId,
        final int controlStreamId,
        final String payloadFallbackUri,
        final String descriptorChannel,
        final String controlChannel)
    {
        consumerConfig.wrapAndApplyHeader(buffer, 0, header)
            .streamId(streamId & 0xFFFF_FFFFL)
            .consumerId(consumerId & 0xFFFF_FFFFL)
            .useShm(useShm ? Bool.TRUE : Bool.FALSE)
            .mode(mode)
            .descriptorStreamId(descriptorStreamId & 0xFFFF_FFFFL)
            .controlStreamId(controlStreamId & 0xFFFF_FFFFL)
            .payloadFallbackUri(payloadFallbackUri == null ? "" : payloadFallbackUri)
            .descriptorChannel(descriptorChannel == null ? "" : descriptorChannel)
            .controlChannel(controlChannel == null ? "" : controlChannel);
        return MessageHeaderEncoder.ENCODED_LENGTH + consumerConfig.encodedLength();
    }

    /** {@code FrameDescriptor} (Wire §10.2.1); pass {@link #NULL_U64}/{@link #NULL_U32} for absent optionals. */
    public int frameDescriptor(
        final int streamId,
        final long epoch,
        final long seq,
        final int headerIndex,
        final long timestampNs,
        final long metaVersion)
    {
        frameDescriptor.wrapAndApplyHeader(buffer, 0, header)
            .streamId(streamId & 0xFFFF_FFFFL)
            .epoch(epoch)
            .seq(seq)
            .headerIndex(headerIndex & 0xFFFF_FFFFL)
            .timestampNs(timestampNs)
            .metaVersion(metaVersion);
        return MessageHeaderEncoder.ENCODED_LENGTH + FrameDescriptorEncoder.BLOCK_LENGTH;
    }

    /** {@code FrameProgress} (Wire §10.2.2). */
    public int frameProgress(
        final int streamId,
        final long epoch,
        final long frameId,
        final int headerIndex,
        final long payloadBytesFilled,
        final FrameProgressState state)
    {
        frameProgress.wrapAndApplyHeader(buffer, 0, header)
            .streamId(streamId & 0xFFFF_FFFFL)
            .epoch(epoch)
            .frameId(frameId)
            .headerIndex(headerIndex & 0xFFFF_FFFFL)
            .payloadBytesFilled(payloadBytesFilled)
            .state(state);
        return MessageHeaderEncoder.ENCODED_LENGTH + FrameProgressEncoder.BLOCK_LENGTH;
    }

    /** {@code QosConsumer} (Wire §10.4.1). */
    public int qosConsumer(
        final int streamId,
        final int consumerId,
        final long epoch,
        final long lastSeqSeen,
        final long dropsGap,
        final long dropsLate,
        final Mode mode)
    {
        qosConsumer.wrapAndApplyHeader(buffer, 0, header)
            .streamId(streamId & 0xFFFF_FFFFL)
            .consumerId(consumerId & 0xFFFF_FFFFL)
            .epoch(epoch)
            .lastSeqSeen(lastSeqSeen)
            .dropsGap(dropsGap)
            .dropsLate(dropsLate)
            .mode(mode);
        return MessageHeaderEncoder.ENCODED_LENGTH + QosConsumerEncoder.BLOCK_LENGTH;
    }

    /** {@code QosProducer} (Wire §10.4.2); watermark {@link #NULL_U32} when absent. */
    public int qosProducer(
        final int streamId, final int producerId, final long epoch, final long currentSeq, final long watermark)
    {
        qosProducer.wrapAndApplyHeader(buffer, 0, header)
            .streamId(streamId & 0xFFFF_FFFFL)
            .producerId(producerId & 0xFFFF_FFFFL)
            .epoch(epoch)
            .currentSeq(currentSeq)
            .watermark(watermark);
        return MessageHeaderEncoder.ENCODED_LENGTH + QosProducerEncoder.BLOCK_LENGTH;
    }

    /** {@code DataSourceAnnounce} (Wire §10.3.1); the name is the data source name (docs/DESIGN.md). */
    public int dataSourceAnnounce(
        final int streamId,
        final int producerId,
        final long epoch,
        final long metaVersion,
        final String name,
        final String summary)
    {
        dataSourceAnnounce.wrapAndApplyHeader(buffer, 0, header)
            .streamId(streamId & 0xFFFF_FFFFL)
            .producerId(producerId & 0xFFFF_FFFFL)
            .epoch(epoch)
            .metaVersion(metaVersion & 0xFFFF_FFFFL)
            .name(name == null ? "" : name)
            .summary(summary == null ? "" : summary);
        return MessageHeaderEncoder.ENCODED_LENGTH + dataSourceAnnounce.encodedLength();
    }

    /**
     * {@code DataSourceMeta} (Wire §10.3.2) with one attribute per index of the parallel arrays.
     */
    public int dataSourceMeta(
        final int streamId,
        final long metaVersion,
        final long timestampNs,
        final List<String> keys,
        final List<String> formats,
        final List<byte[]> values)
    {
        dataSourceMeta.wrapAndApplyHeader(buffer, 0, header)
            .streamId(streamId & 0xFFFF_FFFFL)
            .metaVersion(metaVersion & 0xFFFF_FFFFL)
            .timestampNs(timestampNs);
        final DataSourceMetaEncoder.AttributesEncoder group = dataSourceMeta.attributesCount(keys.size());
        for (int i = 0; i < keys.size(); i++)
        {
            final byte[] value = values.get(i);
            group.next().key(keys.get(i)).format(formats.get(i)).putValue(value, 0, value.length);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + dataSourceMeta.encodedLength();
    }

    /** {@code ControlResponse} (Wire §15.17). */
    public int controlResponse(final long correlationId, final ResponseCode code, final String errorMessage)
    {
        controlResponse.wrapAndApplyHeader(buffer, 0, header)
            .correlationId(correlationId)
            .code(code)
            .errorMessage(errorMessage == null ? "" : errorMessage);
        return MessageHeaderEncoder.ENCODED_LENGTH + controlResponse.encodedLength();
    }

    /** {@code MetaBlobAnnounce} (Wire §10.3.3, ids per SPEC_DECISIONS "Control plane"). */
    public int metaBlobAnnounce(
        final int streamId, final long metaVersion, final long blobType, final long totalLength, final long checksum)
    {
        metaBlobAnnounce.wrapAndApplyHeader(buffer, 0, header)
            .streamId(streamId & 0xFFFF_FFFFL)
            .metaVersion(metaVersion & 0xFFFF_FFFFL)
            .blobType(blobType & 0xFFFF_FFFFL)
            .totalLen(totalLength)
            .checksum(checksum);
        return MessageHeaderEncoder.ENCODED_LENGTH + metaBlobAnnounce.encodedLength();
    }

    /** {@code MetaBlobChunk} (Wire §10.3.3) carrying {@code length} bytes of the blob starting at {@code chunkOffset}. */
    public int metaBlobChunk(
        final int streamId,
        final long metaVersion,
        final long chunkOffset,
        final DirectBuffer data,
        final int dataOffset,
        final int length)
    {
        metaBlobChunk.wrapAndApplyHeader(buffer, 0, header)
            .streamId(streamId & 0xFFFF_FFFFL)
            .metaVersion(metaVersion & 0xFFFF_FFFFL)
            .chunkOffset(chunkOffset)
            .putBytes(data, dataOffset, length);
        return MessageHeaderEncoder.ENCODED_LENGTH + metaBlobChunk.encodedLength();
    }

    /** {@code MetaBlobComplete} (Wire §10.3.3). */
    public int metaBlobComplete(final int streamId, final long metaVersion, final long checksum)
    {
        metaBlobComplete.wrapAndApplyHeader(buffer, 0, header)
            .streamId(streamId & 0xFFFF_FFFFL)
            .metaVersion(metaVersion & 0xFFFF_FFFFL)
            .checksum(checksum);
        return MessageHeaderEncoder.ENCODED_LENGTH + metaBlobComplete.encodedLength();
    }
}
