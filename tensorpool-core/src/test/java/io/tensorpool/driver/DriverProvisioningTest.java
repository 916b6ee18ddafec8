package io.tensorpool.driver;

import io.tensorpool.codecs.driver.HugepagesPolicy;
import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.driver.ShmAttachResponseDecoder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** Configured streams, disabled dynamic streams and the hugepages policy (Driver §4.3, §11, §17). */
class DriverProvisioningTest
{
    private static String message(final ShmAttachResponseDecoder response)
    {
        final ShmAttachResponseDecoder.PayloadPoolsDecoder pools = response.payloadPools();
        while (pools.hasNext())
        {
            pools.next().skipRegionUri();
        }
        response.skipHeaderRegionUri();
        final byte[] text = new byte[response.errorMessageLength()];
        response.getErrorMessage(text, 0, text.length);
        return new String(text, StandardCharsets.US_ASCII);
    }

    @Test
    void configuredStreamsAreProvisionedAndDynamicStreamsCanBeDisabled()
    {
        try (DriverTestHarness h = new DriverTestHarness(ctx -> ctx
            .allowDynamicStreams(false)
            .stream(new StreamDefinition("cam", 30000, "small")));
            RawRequests raw = new RawRequests(h))
        {
            final long consumer = RawRequests.nextCorrelationId();
            raw.send(raw.buffer, raw.encodeAttach(consumer, 30000, 31, Role.CONSUMER, PublishMode.REQUIRE_EXISTING));
            final ShmAttachResponseDecoder ok = raw.awaitAttachResponse(consumer);
            assertEquals(ResponseCode.OK, ok.code(), "a configured stream is provisioned");
            assertEquals(16, ok.headerNslots(), "the configured profile's geometry");

            final long dynamic = RawRequests.nextCorrelationId();
            raw.send(raw.buffer, raw.encodeAttach(dynamic, 10000, 32, Role.PRODUCER, PublishMode.EXISTING_OR_CREATE));
            final ShmAttachResponseDecoder refused = raw.awaitAttachResponse(dynamic);
            assertEquals(ResponseCode.REJECTED, refused.code());
            assertTrue(message(refused).contains("allow_dynamic_streams is false"));
        }
    }

    @Test
    void hugepagePolicyIsEnforced()
    {
        // /dev/shm is tmpfs: a driver required to serve hugepages cannot, and a standard request is not what it serves.
        try (DriverTestHarness h = new DriverTestHarness(ctx -> ctx.requireHugepages(true));
            RawRequests raw = new RawRequests(h))
        {
            long id = RawRequests.nextCorrelationId();
            raw.send(raw.buffer, raw.encoder.attachRequest(raw.buffer, 0, id, 10020, 41, Role.CONSUMER, 0,
                PublishMode.EXISTING_OR_CREATE, HugepagesPolicy.STANDARD));
            ShmAttachResponseDecoder response = raw.awaitAttachResponse(id);
            assertEquals(ResponseCode.REJECTED, response.code());
            assertTrue(message(response).contains("standard-page regions requested"));

            id = RawRequests.nextCorrelationId();
            raw.send(raw.buffer, raw.encoder.attachRequest(raw.buffer, 0, id, 10020, 42, Role.CONSUMER, 0,
                PublishMode.EXISTING_OR_CREATE, HugepagesPolicy.HUGEPAGES));
            response = raw.awaitAttachResponse(id);
            assertEquals(ResponseCode.REJECTED, response.code());
            final String text = message(response);
            assertTrue(text.contains("cannot provide hugepage-backed regions"), text);
            assertEquals(0, h.driver.activeLeaseCount());
        }
    }
}
