package io.tensorpool.flink.sink.internal;

import io.tensorpool.client.DriverRegionSource;
import io.tensorpool.client.TensorPoolProducer;
import io.tensorpool.driver.client.DriverAttachException;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.PoolDescriptor;
import io.tensorpool.shm.StreamLayout;
import org.apache.flink.annotation.Internal;

import java.io.IOException;

/**
 * Attaches through the SHM driver on the task manager's host with the core {@link TensorPoolProducer} (its own Aeron
 * client per subtask) and the core {@link DriverRegionSource} in its blocking mode: the writer fails at once, with
 * the driver's reason, when the driver refuses the attach.
 */
@Internal
public final class ClientProducerFactory implements SinkFrameProducerFactory
{
    private static final long serialVersionUID = 1L;

    @Override
    public SinkFrameProducer attach(final ProducerSettings settings) throws IOException
    {
        final TensorPoolProducer.Context context = new TensorPoolProducer.Context()
            .streamId(settings.streamId())
            .producerId(settings.producerId())
            .controlChannel(settings.controlChannel())
            .controlStreamId(settings.controlStreamId())
            .dataSourceName(settings.dataSourceName())
            .tags(settings.tags())
            .dataSourceId(settings.dataSourceId())
            .headerNslots(settings.headerSlots())
            .poolStrides(settings.poolStrides())
            .regionSource(new DriverRegionSource(settings.shmBaseDir(), settings.attachTimeout().toNanos()));
        if (null != settings.aeronDirectory())
        {
            context.aeronDirectoryName(settings.aeronDirectory());
        }
        try
        {
            return new ClientSinkProducer(new TensorPoolProducer(context));
        }
        catch (final DriverAttachException ex)
        {
            if (null != ex.code())
            {
                throw new StreamAttachException(settings.streamId(), ex.getMessage());
            }
            throw new IOException(ex.getMessage(), ex);
        }
    }

    /** Maps the core producer's return codes onto the connector's. */
    static final class ClientSinkProducer implements SinkFrameProducer
    {
        private final TensorPoolProducer producer;

        ClientSinkProducer(final TensorPoolProducer producer)
        {
            this.producer = producer;
        }

        @Override
        public long tryClaim(final int length, final FrameClaim claim)
        {
            final long result = producer.tryClaim(length, claim);
            if (result >= 0)
            {
                return result;
            }
            if (result == TensorPoolProducer.NO_POOL_FITS)
            {
                return NO_POOL_FITS;
            }
            if (result == TensorPoolProducer.NOT_READY)
            {
                return NOT_READY;
            }
            return CLOSED;
        }

        @Override
        public long commit(final FrameClaim claim)
        {
            final long result = producer.commit(claim);
            if (result >= 0)
            {
                return result;
            }
            if (result == TensorPoolProducer.INVALID_TENSOR)
            {
                return INVALID_LAYOUT;
            }
            if (result == TensorPoolProducer.NO_OPEN_CLAIM)
            {
                // the epoch changed under the claim: the frame never became visible
                return NOT_READY;
            }
            return CLOSED;
        }

        @Override
        public void abort(final FrameClaim claim)
        {
            producer.abort(claim);
        }

        @Override
        public int doWork()
        {
            return producer.doWork();
        }

        @Override
        public int streamId()
        {
            return producer.streamId();
        }

        @Override
        public long epoch()
        {
            return producer.epoch();
        }

        @Override
        public int maxPayloadLength()
        {
            final StreamLayout layout = producer.layout();
            int max = 0;
            if (null != layout)
            {
                for (final PoolDescriptor pool : layout.pools())
                {
                    max = Math.max(max, pool.strideBytes());
                }
            }
            return max;
        }

        @Override
        public void close()
        {
            producer.close();
        }
    }
}
