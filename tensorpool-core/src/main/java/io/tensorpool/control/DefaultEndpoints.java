package io.tensorpool.control;

/**
 * Default Aeron endpoints shared by every component, so a driver, producer, consumer, discovery client and the CLI
 * talk to each other with no configuration (Wire §15.11 example ranges, Driver Model §17 defaults).
 */
public final class DefaultEndpoints
{
    /** Control plane: driver attach/lease/shutdown, ShmPoolAnnounce, ConsumerHello/Config, ControlResponse. */
    public static final String CONTROL_CHANNEL = "aeron:ipc?term-length=4m";
    public static final int CONTROL_STREAM_ID = 1000;

    /** FrameDescriptor and FrameProgress for every data stream (filtered by streamId). */
    public static final String DESCRIPTOR_CHANNEL = "aeron:ipc?term-length=4m";
    public static final int DESCRIPTOR_STREAM_ID = 1100;

    /** QosProducer and QosConsumer. */
    public static final String QOS_CHANNEL = "aeron:ipc?term-length=4m";
    public static final int QOS_STREAM_ID = 1200;

    /** DataSourceAnnounce, DataSourceMeta and meta blobs. */
    public static final String METADATA_CHANNEL = "aeron:ipc?term-length=4m";
    public static final int METADATA_STREAM_ID = 1300;

    /** Embedded discovery listens on the driver control endpoint (Discovery §13). */
    public static final String DISCOVERY_CHANNEL = CONTROL_CHANNEL;
    public static final int DISCOVERY_STREAM_ID = CONTROL_STREAM_ID;

    /** Responses to discovery requests default to this channel; each client picks its own stream id. */
    public static final String DISCOVERY_RESPONSE_CHANNEL = "aeron:ipc?term-length=1m";

    private DefaultEndpoints()
    {
    }
}
