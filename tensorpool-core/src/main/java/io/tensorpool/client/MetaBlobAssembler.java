package io.tensorpool.client;

import io.tensorpool.codecs.wire.MetaBlobAnnounceDecoder;
import io.tensorpool.codecs.wire.MetaBlobChunkDecoder;
import io.tensorpool.codecs.wire.MetaBlobCompleteDecoder;
import io.tensorpool.control.MetaBlobChecksum;
import org.agrona.ExpandableDirectByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reassembles the meta blobs of one stream (Wire §10.3.3). One blob at a time: an announce starts it (and abandons an
 * unfinished one), chunks must arrive in order, each starting where the previous ended and none past
 * {@code total_len}, and the complete message must come after exactly {@code total_len} bytes with the announced
 * checksum, which must match the bytes (CRC-32C, unless verification is off). Any violation discards the blob and is
 * counted; repair is out of scope in v1.1, so the next announce starts over.
 */
final class MetaBlobAssembler
{
    private static final Logger LOG = LoggerFactory.getLogger(MetaBlobAssembler.class);

    private final int streamId;
    private final int maxLength;
    private final boolean verifyChecksum;
    private final MetaBlobHandler handler;
    private final ExpandableDirectByteBuffer data = new ExpandableDirectByteBuffer(0);

    private boolean active;
    private long metaVersion;
    private long blobType;
    private long totalLength;
    private long checksum;
    private long received;
    private long delivered;
    private long discarded;
    private String lastDiscardReason = "";

    MetaBlobAssembler(final int streamId, final int maxLength, final boolean verifyChecksum,
        final MetaBlobHandler handler)
    {
        this.streamId = streamId;
        this.maxLength = maxLength;
        this.verifyChecksum = verifyChecksum;
        this.handler = handler;
    }

    void onAnnounce(final MetaBlobAnnounceDecoder announce)
    {
        if ((int)announce.streamId() != streamId)
        {
            return;
        }
        if (active)
        {
            discard("a new announce arrived before the blob was complete", received);
        }
        final long total = announce.totalLen();
        if (total < 0 || total > maxLength)
        {
            discard("total_len exceeds the consumer's maxMetaBlobLength " + maxLength, total);
            return;
        }
        active = true;
        metaVersion = announce.metaVersion();
        blobType = announce.blobType();
        totalLength = total;
        checksum = announce.checksum();
        received = 0;
        data.checkLimit((int)total);
    }

    void onChunk(final MetaBlobChunkDecoder chunk)
    {
        if ((int)chunk.streamId() != streamId || !active)
        {
            return;
        }
        if (chunk.metaVersion() != metaVersion)
        {
            discard("chunk for another meta_version", chunk.metaVersion());
            return;
        }
        final long offset = chunk.chunkOffset();
        final int length = chunk.bytesLength();
        if (offset != received)
        {
            discard("chunk offset leaves a gap or overlaps (expected " + received + ")", offset);
            return;
        }
        if (length == 0 || received + length > totalLength)
        {
            discard("chunk empty or beyond total_len " + totalLength + ": length", length);
            return;
        }
        chunk.getBytes(data, (int)offset, length);
        received += length;
    }

    void onComplete(final MetaBlobCompleteDecoder complete)
    {
        if ((int)complete.streamId() != streamId || !active)
        {
            return;
        }
        if (complete.metaVersion() != metaVersion)
        {
            discard("complete for another meta_version", complete.metaVersion());
            return;
        }
        if (received != totalLength)
        {
            discard("complete after " + received + " of total_len bytes", totalLength);
            return;
        }
        if (complete.checksum() != checksum)
        {
            discard("complete checksum differs from the announced one", complete.checksum());
            return;
        }
        if (verifyChecksum && MetaBlobChecksum.crc32c(data, 0, (int)totalLength) != checksum)
        {
            discard("CRC-32C of the bytes does not match checksum", checksum);
            return;
        }
        active = false;
        delivered++;
        if (handler != null)
        {
            handler.onMetaBlob(streamId, metaVersion, blobType, data, 0, (int)totalLength);
        }
    }

    private void discard(final String reason, final long value)
    {
        active = false;
        discarded++;
        lastDiscardReason = reason + ": " + value;
        LOG.warn("stream={} meta_version={} meta blob discarded: {}: {}", Integer.toUnsignedString(streamId),
            metaVersion, reason, value);
    }

    long delivered()
    {
        return delivered;
    }

    long discarded()
    {
        return discarded;
    }

    String lastDiscardReason()
    {
        return lastDiscardReason;
    }
}
