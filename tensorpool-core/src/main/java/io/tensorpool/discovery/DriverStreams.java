package io.tensorpool.discovery;

import org.agrona.collections.Int2ObjectHashMap;

/**
 * The part of a {@link StreamIndex} fed by one driver: its feed (identity and advertised control endpoint, in wire
 * bytes ready to encode) and its streams keyed by stream id.
 */
final class DriverStreams
{
    final DriverFeed feed;
    final byte[] instanceIdBytes;
    final byte[] controlChannelBytes;
    final Int2ObjectHashMap<IndexedStream> streams = new Int2ObjectHashMap<>();

    DriverStreams(final DriverFeed feed)
    {
        this.feed = feed;
        this.instanceIdBytes = WireText.toBytes("driverInstanceId", feed.driverInstanceId());
        this.controlChannelBytes = WireText.toBytes("controlChannel", feed.controlChannel());
    }
}
