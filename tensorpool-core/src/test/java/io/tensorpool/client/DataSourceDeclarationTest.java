package io.tensorpool.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The data source declaration (Wire §10.3) reaches a consumer that subscribes after the producer's first attempt,
 * within a duty cycle or two rather than a whole metadata period: a declaration nobody received is sent again soon.
 */
class DataSourceDeclarationTest
{
    private final ClientRig rig = new ClientRig();

    @AfterEach
    void close()
    {
        rig.close();
    }

    @Test
    void aDeclarationNobodyReceivedIsSentAgainSoon()
    {
        // one declaration per minute: only the resend can deliver it within the test's deadline
        final TensorPoolProducer producer = rig.producer(rig.producerContext(49)
            .metadataPeriodNs(60_000_000_000L)
            .dataSourceName("late-listener"));
        rig.await("producer ready", producer::isReady, () -> { });
        for (int i = 0; i < 20; i++)
        {
            producer.doWork(); // the first attempts find no subscriber on the metadata stream
        }

        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(49));
        final FrameHandler frames = frame -> { };
        rig.await("declaration received", () -> "late-listener".equals(consumer.dataSourceName()),
            () -> consumer.poll(frames, 8));
        assertEquals("late-listener", consumer.latestMetadata().name());
    }
}
