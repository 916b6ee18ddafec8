package io.tensorpool.hardening.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tensorpool.codecs.driver.LeaseRevokeReason;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.driver.ShmAttachResponseDecoder;
import io.tensorpool.codecs.driver.ShutdownReason;
import io.tensorpool.codecs.wire.ConsumerConfigDecoder;
import io.tensorpool.codecs.wire.ConsumerHelloDecoder;
import io.tensorpool.codecs.wire.ControlResponseDecoder;
import io.tensorpool.codecs.wire.DataSourceAnnounceDecoder;
import io.tensorpool.codecs.wire.DataSourceMetaDecoder;
import io.tensorpool.codecs.wire.FrameDescriptorDecoder;
import io.tensorpool.codecs.wire.FrameProgressDecoder;
import io.tensorpool.codecs.wire.QosConsumerDecoder;
import io.tensorpool.codecs.wire.QosProducerDecoder;
import io.tensorpool.codecs.wire.ShmPoolAnnounceDecoder;
import io.tensorpool.control.WireMessageListener;
import io.tensorpool.control.WirePoller;
import io.tensorpool.driver.client.DriverEventListener;
import io.tensorpool.driver.client.DriverEventPoller;
import io.tensorpool.driver.client.PoolAnnouncePoller;
import io.tensorpool.shm.PoolDescriptor;
import io.tensorpool.shm.RegionUri;
import io.tensorpool.shm.StreamLayout;

/**
 * Coverage-guided fuzzing of the pollers every client runs: {@link WirePoller} (all Wire v1.1 templates, schema 900),
 * {@link PoolAnnouncePoller} (announces to layouts) and {@link DriverEventPoller} (driver-to-client messages, schema
 * 901). Each input is one fragment. Properties: nothing escapes the handler, every fragment is counted exactly once,
 * and whatever is delivered decodes completely inside its fragment (and, for layouts, passes
 * {@link StreamLayout#validate()} with parseable region URIs).
 * <p>
 * Seeds: {@code src/test/resources/io/tensorpool/hardening/fuzz/ClientPollerFuzzTestInputs/<method>/}, produced by the
 * project's encoders ({@link SeedCorpusGenerator}). See docs/hardening.md for long runs.
 */
class ClientPollerFuzzTest
{
    private static final FragmentFeed FEED = new FragmentFeed();
    private static final DeliveryCheck CHECK = new DeliveryCheck();

    private static final WirePoller WIRE = new WirePoller(null, new ReadEverything(), 0, "fuzz", false);

    private static final PoolAnnouncePoller ANNOUNCES = new PoolAnnouncePoller(
        PoolAnnouncePoller.ALL_STREAMS,
        (layout, producerId, timestampNs) ->
        {
            CHECK.delivered();
            try
            {
                layout.validate();
                RegionUri.parse(layout.headerRegionUri());
                for (final PoolDescriptor pool : layout.pools())
                {
                    RegionUri.parse(pool.regionUri());
                }
            }
            catch (final Throwable ex)
            {
                CHECK.fail(ex);
            }
        },
        () -> 1_000_000_000L,
        Long.MAX_VALUE / 4);

    private static final DriverEventPoller DRIVER_EVENTS = new DriverEventPoller(new DriverEventListener()
    {
        @Override
        public void onAttachResponse(final ShmAttachResponseDecoder response)
        {
            read(response);
        }

        @Override
        public void onDetachResponse(final long correlationId, final ResponseCode code, final String errorMessage)
        {
            read(code, errorMessage);
        }

        @Override
        public void onLeaseRevoked(
            final long timestampNs,
            final long leaseId,
            final int streamId,
            final int clientId,
            final Role role,
            final LeaseRevokeReason reason,
            final String errorMessage)
        {
            // the poller promises known enum values only (Driver §4.9)
            if (role == Role.NULL_VAL || reason == LeaseRevokeReason.NULL_VAL)
            {
                CHECK.fail(new IllegalStateException("unknown role/reason delivered: " + role + " " + reason));
            }
            read(role, errorMessage);
        }

        @Override
        public void onDriverShutdown(final long timestampNs, final ShutdownReason reason, final String errorMessage)
        {
            if (reason == ShutdownReason.NULL_VAL)
            {
                CHECK.fail(new IllegalStateException("unknown shutdown reason delivered"));
            }
            read(reason, errorMessage);
        }
    });

    @FuzzTest(maxDuration = "60s")
    void wirePoller(final byte[] data)
    {
        FEED.deliver(WIRE, data);
        CHECK.rethrow();
    }

    @FuzzTest(maxDuration = "60s")
    void poolAnnouncePoller(final byte[] data)
    {
        // forget earlier layouts so identical announces are delivered (and validated) every time
        ANNOUNCES.reset(streamIdOf(data));
        FEED.deliver(ANNOUNCES, data);
        CHECK.rethrow();
    }

    @FuzzTest(maxDuration = "60s")
    void driverEventPoller(final byte[] data)
    {
        FEED.deliver(DRIVER_EVENTS, data);
        CHECK.rethrow();
    }

    private static int streamIdOf(final byte[] data)
    {
        // ShmPoolAnnounce.streamId is the first field of the block, right after the 8-byte header
        return data.length >= 12 ?
            (data[8] & 0xFF) | (data[9] & 0xFF) << 8 | (data[10] & 0xFF) << 16 | (data[11] & 0xFF) << 24 : 0;
    }

    /** Decode every field of a delivered message, var-length data and groups included (SBE's appendTo does). */
    private static void read(final Object... decoded)
    {
        CHECK.delivered();
        try
        {
            for (final Object o : decoded)
            {
                String.valueOf(o).length();
            }
        }
        catch (final IllegalArgumentException ex)
        {
            // SBE enum accessors throw "Unknown value" for values outside the schema; listeners read enums first
            // and the handler counts the message as malformed (SchemaGatedHandler), so this is contained. Anything
            // else (a bounds error in var data) is a finding.
            if (ex.getMessage() == null || !ex.getMessage().startsWith("Unknown value"))
            {
                CHECK.fail(ex);
            }
        }
        catch (final Throwable ex)
        {
            CHECK.fail(ex);
        }
    }

    private static final class ReadEverything implements WireMessageListener
    {
        @Override
        public void onShmPoolAnnounce(final ShmPoolAnnounceDecoder decoder, final int source)
        {
            read(decoder);
        }

        @Override
        public void onConsumerHello(final ConsumerHelloDecoder decoder, final int source)
        {
            read(decoder);
        }

        @Override
        public void onConsumerConfig(final ConsumerConfigDecoder decoder, final int source)
        {
            read(decoder);
        }

        @Override
        public void onFrameDescriptor(final FrameDescriptorDecoder decoder, final int source)
        {
            read(decoder);
        }

        @Override
        public void onFrameProgress(final FrameProgressDecoder decoder, final int source)
        {
            read(decoder);
        }

        @Override
        public void onQosConsumer(final QosConsumerDecoder decoder, final int source)
        {
            read(decoder);
        }

        @Override
        public void onQosProducer(final QosProducerDecoder decoder, final int source)
        {
            read(decoder);
        }

        @Override
        public void onDataSourceAnnounce(final DataSourceAnnounceDecoder decoder, final int source)
        {
            read(decoder);
        }

        @Override
        public void onDataSourceMeta(final DataSourceMetaDecoder decoder, final int source)
        {
            read(decoder);
        }

        @Override
        public void onControlResponse(final ControlResponseDecoder decoder, final int source)
        {
            read(decoder);
        }
    }
}
