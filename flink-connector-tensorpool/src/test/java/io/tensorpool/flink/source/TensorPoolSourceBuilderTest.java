package io.tensorpool.flink.source;

import io.tensorpool.flink.common.TensorFrame;
import io.tensorpool.flink.common.TensorFrameTypeInfo;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user sees when configuring the source: bad settings fail at {@code build()} naming the setting and value,
 * bounded settings make the source bounded, the built source is serializable (Flink ships it to the cluster) and
 * produces the schema's type.
 */
class TensorPoolSourceBuilderTest
{
    @Test
    void missingDeserializerOrNothingToReadFailsClearly()
    {
        final IllegalStateException noSchema = assertThrows(IllegalStateException.class,
            () -> TensorPoolSource.<TensorFrame>builder().setTags("a").build());
        assertTrue(noSchema.getMessage().contains("setDeserializer"), noSchema.getMessage());

        final IllegalStateException nothing = assertThrows(IllegalStateException.class,
            () -> TensorPoolSource.<TensorFrame>builder()
                .setDeserializer(TensorPoolDeserializationSchema.tensorFrames()).build());
        assertTrue(nothing.getMessage().contains("nothing to read"), nothing.getMessage());
    }

    @Test
    void badValuesAreNamedWithTheirValue()
    {
        final IllegalArgumentException frames = assertThrows(IllegalArgumentException.class, () -> base()
            .setProperty(TensorPoolSourceOptions.FETCH_MAX_FRAMES.key(), "0").build());
        assertTrue(frames.getMessage().contains("tensorpool.fetch.max-frames=0"), frames.getMessage());

        final IllegalArgumentException dirs = assertThrows(IllegalArgumentException.class, () -> base()
            .setAllowedBaseDirs("relative/dir").build());
        assertTrue(dirs.getMessage().contains("'relative/dir'"), dirs.getMessage());

        final IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> base()
            .setDiscoveryMode(DiscoveryMode.NONE).build());
        assertTrue(none.getMessage().contains("tags=[cam]"), none.getMessage());

        final IllegalArgumentException bounded = assertThrows(IllegalArgumentException.class, () -> base()
            .setBoundedFramesPerSplit(-3).build());
        assertTrue(bounded.getMessage().contains("=-3"), bounded.getMessage());

        assertThrows(IllegalArgumentException.class, () -> base().setDiscoveryInterval(Duration.ofSeconds(-1)).build());
    }

    @Test
    void boundedSettingsMakeTheSourceBoundedAndItSerializes() throws Exception
    {
        final TensorPoolSource<TensorFrame> unbounded = base().build();
        assertEquals(Boundedness.CONTINUOUS_UNBOUNDED, unbounded.getBoundedness());
        assertSame(TensorFrameTypeInfo.INSTANCE, unbounded.getProducedType());

        final TensorPoolSource<TensorFrame> bounded = base().setStreamIds(3, 4).setBoundedFramesPerSplit(10).build();
        assertEquals(Boundedness.BOUNDED, bounded.getBoundedness());
        assertEquals(StreamSelector.of(Set.of(3, 4), null, List.of("cam")), bounded.selector());

        final TensorPoolSource<TensorFrame> copy = InstantiationUtil.clone(bounded);
        assertEquals(Boundedness.BOUNDED, copy.getBoundedness());
        assertEquals(bounded.selector(), copy.selector());
    }

    private static TensorPoolSourceBuilder<TensorFrame> base()
    {
        return TensorPoolSource.<TensorFrame>builder()
            .setTags("cam")
            .setDeserializer(TensorPoolDeserializationSchema.tensorFrames());
    }
}
