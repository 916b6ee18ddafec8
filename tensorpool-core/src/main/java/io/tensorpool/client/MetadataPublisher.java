package io.tensorpool.client;

import io.aeron.Publication;
import io.tensorpool.control.MetaBlobChecksum;
import io.tensorpool.control.WireMessageEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayList;
import java.util.List;

/**
 * Declares the producer's data source on the metadata stream (Wire §10.3): {@code DataSourceAnnounce} and
 * {@code DataSourceMeta} with the user attributes plus the context's tags and data source id (docs/DESIGN.md), and
 * large meta blobs as announce, chunks and complete (Wire §10.3.3).
 * <p>
 * Separate from {@link TensorPoolProducer} because none of it is on the frame path: attributes are rebuilt only on
 * {@code updateMetadata}, announces are periodic, and blobs retry back-pressure until a deadline. The
 * {@code meta_version} itself stays with the producer, which stamps it on every claim; it is passed in here.
 * Not thread-safe; driven by the producer's thread.
 */
final class MetadataPublisher
{
    private final TensorPoolProducer.Context ctx;
    private final NanoClock clock;
    private final int streamId;
    private final int producerId;
    private final WireMessageEncoder encoder;
    private final Publication metadataPublication;

    // DataSourceMeta attributes as the encoder takes them: parallel lists, rebuilt on every update
    private final List<String> metaKeys = new ArrayList<>();
    private final List<String> metaFormats = new ArrayList<>();
    private final List<byte[]> metaValues = new ArrayList<>();

    private long blobsPublished;
    private long blobsFailed;

    MetadataPublisher(
        final TensorPoolProducer.Context ctx,
        final NanoClock clock,
        final int streamId,
        final int producerId,
        final WireMessageEncoder encoder,
        final Publication metadataPublication)
    {
        this.ctx = ctx;
        this.clock = clock;
        this.streamId = streamId;
        this.producerId = producerId;
        this.encoder = encoder;
        this.metadataPublication = metadataPublication;
    }

    /** Replace the user attributes; the context's tags and data source id are always appended. */
    void attributes(final List<MetadataAttribute> attributes)
    {
        metaKeys.clear();
        metaFormats.clear();
        metaValues.clear();
        for (final MetadataAttribute attribute : attributes)
        {
            addAttribute(attribute);
        }
        for (final String tag : ctx.tags())
        {
            addAttribute(MetadataAttribute.text(MetadataAttribute.TAG_KEY, tag));
        }
        if (ctx.dataSourceId() >= 0)
        {
            addAttribute(MetadataAttribute.text(MetadataAttribute.DATA_SOURCE_ID_KEY,
                Long.toString(ctx.dataSourceId())));
        }
    }

    /**
     * Offer {@code DataSourceAnnounce} then {@code DataSourceMeta} once; never blocks.
     *
     * @return true when the publication accepted both (false: not connected yet, back-pressured; send again).
     */
    boolean publish(final long nowNs, final long epoch, final long metaVersion)
    {
        if (!metadataPublication.isConnected())
        {
            // nobody to take it: do not encode the attributes (their strings allocate) just to be refused
            return false;
        }
        int length = encoder.dataSourceAnnounce(streamId, producerId, epoch, metaVersion, ctx.dataSourceName(),
            ctx.dataSourceSummary());
        final boolean announced = EncodedOffer.offer(metadataPublication, encoder, length) > 0;
        length = encoder.dataSourceMeta(streamId, metaVersion, nowNs, metaKeys, metaFormats, metaValues);
        return EncodedOffer.offer(metadataPublication, encoder, length) > 0 && announced;
    }

    /**
     * Publish {@code blob[offset, offset + length)} under {@code metaVersion}: {@code MetaBlobAnnounce} with length
     * and CRC-32C, chunks of at most {@link TensorPoolProducer#META_BLOB_CHUNK_MAX} in order, {@code MetaBlobComplete}.
     * Retries back-pressure until the context's {@code metaBlobSendTimeoutNs} runs out. The range is checked by the
     * caller.
     *
     * @return true when every message was accepted; false (and counted) otherwise.
     */
    boolean publishBlob(
        final long metaVersion, final long blobType, final DirectBuffer blob, final int offset, final int length)
    {
        final long checksum = MetaBlobChecksum.crc32c(blob, offset, length);
        final long deadlineNs = clock.nanoTime() + ctx.metaBlobSendTimeoutNs();
        if (!offerUntil(encoder.metaBlobAnnounce(streamId, metaVersion, blobType, length, checksum), deadlineNs))
        {
            blobsFailed++;
            return false;
        }
        for (int sent = 0; sent < length; )
        {
            final int chunk = Math.min(TensorPoolProducer.META_BLOB_CHUNK_MAX, length - sent);
            if (!offerUntil(encoder.metaBlobChunk(streamId, metaVersion, sent, blob, offset + sent, chunk),
                deadlineNs))
            {
                blobsFailed++;
                return false;
            }
            sent += chunk;
        }
        if (!offerUntil(encoder.metaBlobComplete(streamId, metaVersion, checksum), deadlineNs))
        {
            blobsFailed++;
            return false;
        }
        blobsPublished++;
        return true;
    }

    /** Meta blobs published completely. */
    long blobsPublished()
    {
        return blobsPublished;
    }

    /** Meta blobs not published completely. */
    long blobsFailed()
    {
        return blobsFailed;
    }

    private void addAttribute(final MetadataAttribute attribute)
    {
        metaKeys.add(attribute.key());
        metaFormats.add(attribute.format());
        metaValues.add(attribute.valueNoCopy());
    }

    // a blob is useless with a chunk missing (no repair in v1.1), so back-pressure is waited out, up to the deadline
    private boolean offerUntil(final int length, final long deadlineNs)
    {
        while (true)
        {
            final long result = EncodedOffer.offer(metadataPublication, encoder, length);
            if (result > 0)
            {
                return true;
            }
            if (result != Publication.BACK_PRESSURED && result != Publication.ADMIN_ACTION ||
                clock.nanoTime() - deadlineNs > 0)
            {
                return false;
            }
            Thread.onSpinWait();
        }
    }
}
