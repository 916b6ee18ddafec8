package io.tensorpool.flink.sink;

import io.tensorpool.flink.sink.internal.ProducerSettings;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TensorPoolSinkBuilderTest
{
    private static TensorPoolSinkBuilder<float[]> valid()
    {
        return TensorPoolSink.<float[]>builder()
            .setStreamIdBase(10)
            .setDataSourceName("features-a")
            .setTags("features", "camera")
            .setSerializationSchema(ArrayTensorSchema.floats());
    }

    private static String failure(final TensorPoolSinkBuilder<?> builder)
    {
        return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
    }

    @Test
    void subtasksGetBasePlusIndexAndTheDeclaredDataSource() throws Exception
    {
        final TensorPoolSink<float[]> sink = InstantiationUtil.clone(valid()
            .setAeronDirectory("/dev/shm/aeron-x")
            .setDriverControl("aeron:ipc?term-length=1m", 77)
            .setPoolStrides(4096, 1 << 20)
            .setHeaderSlots(128)
            .build());

        final ProducerSettings settings = sink.producerSettings(2, 3);
        assertEquals(12, settings.streamId());
        assertEquals(2, settings.subtaskIndex());
        assertEquals("features-a", settings.dataSourceName());
        assertEquals(List.of("features", "camera"), settings.tags());
        assertArrayEquals(new int[]{4096, 1 << 20}, settings.poolStrides());
        assertEquals(128, settings.headerSlots());
        assertEquals("/dev/shm/aeron-x", settings.aeronDirectory());
        assertEquals("aeron:ipc?term-length=1m", settings.controlChannel());
        assertEquals(77, settings.controlStreamId());
    }

    @Test
    void explicitStreamListIsUsedInSubtaskOrderAndMustCoverTheParallelism()
    {
        final TensorPoolSink<float[]> sink = TensorPoolSink.<float[]>builder()
            .setStreamIds(7, 3, 9)
            .setDataSourceName("x")
            .setSerializationSchema(ArrayTensorSchema.floats())
            .build();
        assertEquals(3, sink.producerSettings(1, 3).streamId());
        assertEquals(9, sink.producerSettings(2, 3).streamId());
        final String message = assertThrows(IllegalArgumentException.class,
            () -> sink.producerSettings(0, 4)).getMessage();
        assertTrue(message.contains("parallelism 4") && message.contains("[7, 3, 9]"), message);
    }

    @Test
    void configurationOptionsAreRead()
    {
        final Configuration config = new Configuration();
        config.set(TensorPoolSinkOptions.STREAM_IDS, List.of(5, 6));
        config.set(TensorPoolSinkOptions.DATA_SOURCE_NAME, "from-config");
        config.set(TensorPoolSinkOptions.ATTACH_TIMEOUT, Duration.ofSeconds(3));
        final TensorPoolSink<byte[]> sink = TensorPoolSink.<byte[]>builder()
            .setConfiguration(config)
            .setSerializationSchema(ArrayTensorSchema.bytes())
            .build();
        final ProducerSettings settings = sink.producerSettings(1, 2);
        assertEquals(6, settings.streamId());
        assertEquals("from-config", settings.dataSourceName());
        assertEquals(Duration.ofSeconds(3), settings.attachTimeout());
    }

    @Test
    void missingOrContradictoryStreamAssignmentIsRejected()
    {
        assertTrue(failure(TensorPoolSink.<float[]>builder().setDataSourceName("x")
            .setSerializationSchema(ArrayTensorSchema.floats())).contains("stream assignment is required"));
        assertTrue(failure(valid().setStreamIds(1, 2)).contains("not both"));
        assertTrue(failure(valid().setStreamIdBase(0)).contains("must be positive, was 0"));
        final TensorPoolSinkBuilder<float[]> repeated = TensorPoolSink.<float[]>builder().setStreamIds(4, 5, 4)
            .setDataSourceName("x").setSerializationSchema(ArrayTensorSchema.floats());
        assertTrue(failure(repeated).contains("4 repeats"), failure(repeated));
    }

    @Test
    void dataSourceMustBeDiscoverable()
    {
        final String noName = failure(TensorPoolSink.<float[]>builder().setStreamIdBase(1)
            .setSerializationSchema(ArrayTensorSchema.floats()));
        assertTrue(noName.contains("data source name is required"), noName);
        assertTrue(failure(valid().setDataSourceName("caf\u00e9")).contains("printable ASCII"));
        assertTrue(failure(valid().setTags("a", " ")).contains("blank"));
        assertTrue(failure(valid().setTags("a", "a")).contains("repeats tag 'a'"));
    }

    @Test
    void poolsAndRingMustBeMappable()
    {
        assertTrue(failure(valid().setPoolStrides(5000)).contains("stride 5000"), failure(valid().setPoolStrides(5000)));
        assertTrue(failure(valid().setPoolStrides(8192, 4096)).contains("ascending"));
        assertTrue(failure(valid().setPoolStrides()).contains("at least one"));
        assertTrue(failure(valid().setHeaderSlots(100)).contains("power of two"));
        final String tooLarge = failure(valid().setHeaderSlots(1024).setPoolStrides(1 << 24));
        assertTrue(tooLarge.contains(String.valueOf(1 << 24)), tooLarge);
    }

    @Test
    void onlyAtMostOnceDeliveryIsOffered()
    {
        final String message = failure(valid().setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE));
        assertTrue(message.contains("AT_LEAST_ONCE") && message.contains("at-most-once"), message);
        assertNotNull(valid().setDeliveryGuarantee(DeliveryGuarantee.NONE).build());
    }

    @Test
    void schemaTimeoutsAndChannelAreChecked()
    {
        assertTrue(failure(TensorPoolSink.<float[]>builder().setStreamIdBase(1).setDataSourceName("x"))
            .contains("serialization schema"));
        assertTrue(failure(valid().setAttachTimeout(Duration.ZERO)).contains("attach-timeout"));
        assertTrue(failure(valid().setDutyCycleInterval(Duration.ofMillis(-1))).contains("duty-cycle"));
        assertTrue(failure(valid().setDriverControl("udp://x", 1)).contains("'udp://x'"));
    }
}
