package io.tensorpool.client;

import io.aeron.Publication;
import io.tensorpool.codecs.wire.Mode;
import org.agrona.CloseHelper;

/**
 * What a producer knows about one consumer from its {@code ConsumerHello}/{@code QosConsumer} messages (Wire §10.1.2,
 * §10.4.1): capabilities, progress hints, and the per-consumer publications assigned to it (Wire §5).
 */
final class ConsumerSession
{
    final int consumerId;
    long lastSeenNs;
    boolean supportsProgress;
    Mode mode = Mode.STREAM;
    long maxRateHz;
    long progressIntervalUs = -1;
    long progressBytesDelta = -1;

    String descriptorChannel = "";
    int descriptorStreamId;
    Publication descriptorPublication;
    long minDescriptorIntervalNs;
    long lastDescriptorNs = Long.MIN_VALUE;

    String controlChannel = "";
    int controlStreamId;
    Publication controlPublication;

    ConsumerSession(final int consumerId, final long nowNs)
    {
        this.consumerId = consumerId;
        this.lastSeenNs = nowNs;
    }

    boolean hasDescriptorStream()
    {
        return descriptorPublication != null;
    }

    boolean hasControlStream()
    {
        return controlPublication != null;
    }

    void closeDescriptor()
    {
        CloseHelper.quietClose(descriptorPublication);
        descriptorPublication = null;
        descriptorChannel = "";
        descriptorStreamId = 0;
    }

    void closeControl()
    {
        CloseHelper.quietClose(controlPublication);
        controlPublication = null;
        controlChannel = "";
        controlStreamId = 0;
    }

    void close()
    {
        closeDescriptor();
        closeControl();
    }
}
