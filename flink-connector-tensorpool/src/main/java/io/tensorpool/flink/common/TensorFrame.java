package io.tensorpool.flink.common;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.MajorOrder;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor frame as a Flink record: where it came from (stream id, epoch, seq), when (producer timestamp), what it
 * is (meta version, dtype, major order, shape, byte strides) and its payload bytes.
 * <p>
 * The record owns its arrays: the constructor does not copy them and the accessors return them as they are, so a
 * record built once and handed downstream costs one payload copy (out of shared memory) and nothing more. Callers that
 * change an array after handing the record on get what they asked for.
 * <p>
 * {@link #strides()} is either empty (contiguous, strides inferred from shape, dtype and major order as in Wire §8.2)
 * or has one byte stride per dimension. The source always fills the strides in force.
 * <p>
 * Flink serializes this type with {@link TensorFrameSerializer} (never Kryo): {@code TypeInformation.of(TensorFrame
 * .class)} resolves to {@link TensorFrameTypeInfo} through the {@link TypeInfo} annotation.
 */
@PublicEvolving
@TypeInfo(TensorFrameTypeInfoFactory.class)
public final class TensorFrame
{
    static final int[] NO_DIMS = new int[0];
    static final long[] NO_STRIDES = new long[0];
    static final byte[] NO_BYTES = new byte[0];

    private final int streamId;
    private final long epoch;
    private final long seq;
    private final long timestampNs;
    private final long metaVersion;
    private final short dtypeRaw;
    private final short majorOrderRaw;
    private final int[] shape;
    private final long[] strides;
    private final byte[] payload;

    /**
     * A frame with every field given. Arrays are taken as they are (not copied).
     *
     * @param streamId      the tensorpool stream id.
     * @param epoch         the producer epoch the frame was written in.
     * @param seq           the frame's logical sequence within its stream.
     * @param timestampNs   producer timestamp, CLOCK_MONOTONIC nanoseconds on the producer's host (Wire §15.7).
     * @param metaVersion   the {@code DataSourceMeta} version the frame refers to (u32).
     * @param dtypeRaw      the element type as on the wire ({@link Dtype#value()}).
     * @param majorOrderRaw the major order as on the wire ({@link MajorOrder#value()}).
     * @param shape         the dimensions, at most {@code MAX_DIMS} (8).
     * @param strides       byte strides, empty or one per dimension.
     * @param payload       the tensor bytes.
     * @throws IllegalArgumentException if the strides do not match the shape or there are more than 8 dimensions.
     */
    public TensorFrame(
        final int streamId,
        final long epoch,
        final long seq,
        final long timestampNs,
        final long metaVersion,
        final short dtypeRaw,
        final short majorOrderRaw,
        final int[] shape,
        final long[] strides,
        final byte[] payload)
    {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(strides, "strides");
        Objects.requireNonNull(payload, "payload");
        if (shape.length > TensorFrameSerializer.MAX_DIMS)
        {
            throw new IllegalArgumentException(
                "a tensor has at most " + TensorFrameSerializer.MAX_DIMS + " dimensions, got " + shape.length);
        }
        if (strides.length != 0 && strides.length != shape.length)
        {
            throw new IllegalArgumentException(
                "strides must be empty or one per dimension: " + strides.length + " strides for " + shape.length +
                " dimensions");
        }
        this.streamId = streamId;
        this.epoch = epoch;
        this.seq = seq;
        this.timestampNs = timestampNs;
        this.metaVersion = metaVersion;
        this.dtypeRaw = dtypeRaw;
        this.majorOrderRaw = majorOrderRaw;
        this.shape = shape;
        this.strides = strides;
        this.payload = payload;
    }

    /**
     * A contiguous frame to write with a sink: stream id, seq, epoch, timestamp and meta version zero (the sink or the
     * producer fills what it owns), strides inferred.
     *
     * @param dtype      the element type.
     * @param majorOrder the major order.
     * @param shape      the dimensions.
     * @param payload    the tensor bytes.
     * @return the frame.
     */
    public static TensorFrame contiguous(
        final Dtype dtype, final MajorOrder majorOrder, final int[] shape, final byte[] payload)
    {
        return new TensorFrame(0, 0, 0, 0, 0, dtype.value(), majorOrder.value(), shape, NO_STRIDES, payload);
    }

    /**
     * The stream the frame was read from.
     *
     * @return the tensorpool stream id.
     */
    public int streamId()
    {
        return streamId;
    }

    /**
     * The producer epoch the frame was written in; seq restarts when it changes.
     *
     * @return the epoch.
     */
    public long epoch()
    {
        return epoch;
    }

    /**
     * The frame's logical sequence number within its stream and epoch (Wire §8.2).
     *
     * @return the seq.
     */
    public long seq()
    {
        return seq;
    }

    /**
     * Producer timestamp: CLOCK_MONOTONIC nanoseconds on the producer's host (Wire §15.7), not wall-clock time.
     *
     * @return the timestamp in nanoseconds.
     */
    public long timestampNs()
    {
        return timestampNs;
    }

    /**
     * The version of the stream's {@code DataSourceMeta} in force when the frame was written (u32 in a long).
     *
     * @return the meta version.
     */
    public long metaVersion()
    {
        return metaVersion;
    }

    /**
     * The element type as on the wire.
     *
     * @return the raw dtype value.
     */
    public short dtypeRaw()
    {
        return dtypeRaw;
    }

    /**
     * The element type.
     *
     * @return the dtype, {@link Dtype#NULL_VAL} for the null value.
     * @throws IllegalArgumentException for a value this version does not know.
     */
    public Dtype dtype()
    {
        return Dtype.get(dtypeRaw);
    }

    /**
     * The major order as on the wire.
     *
     * @return the raw major order value.
     */
    public short majorOrderRaw()
    {
        return majorOrderRaw;
    }

    /**
     * The major order.
     *
     * @return the major order, {@link MajorOrder#NULL_VAL} for the null value.
     * @throws IllegalArgumentException for a value this version does not know.
     */
    public MajorOrder majorOrder()
    {
        return MajorOrder.get(majorOrderRaw);
    }

    /**
     * Number of dimensions.
     *
     * @return {@code shape().length}.
     */
    public int ndims()
    {
        return shape.length;
    }

    /**
     * The dimensions (not a copy).
     *
     * @return the shape.
     */
    public int[] shape()
    {
        return shape;
    }

    /**
     * Byte strides (not a copy): empty for contiguous, else one per dimension.
     *
     * @return the strides.
     */
    public long[] strides()
    {
        return strides;
    }

    /**
     * The tensor bytes (not a copy).
     *
     * @return the payload.
     */
    public byte[] payload()
    {
        return payload;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof TensorFrame))
        {
            return false;
        }
        final TensorFrame that = (TensorFrame)o;
        return streamId == that.streamId && epoch == that.epoch && seq == that.seq &&
            timestampNs == that.timestampNs && metaVersion == that.metaVersion && dtypeRaw == that.dtypeRaw &&
            majorOrderRaw == that.majorOrderRaw && Arrays.equals(shape, that.shape) &&
            Arrays.equals(strides, that.strides) && Arrays.equals(payload, that.payload);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int hashCode()
    {
        int result = Objects.hash(streamId, epoch, seq, timestampNs, metaVersion, dtypeRaw, majorOrderRaw);
        result = 31 * result + Arrays.hashCode(shape);
        result = 31 * result + Arrays.hashCode(strides);
        return 31 * result + Arrays.hashCode(payload);
    }

    /**
     * Header fields and payload length; never the payload bytes.
     */
    @Override
    public String toString()
    {
        return "TensorFrame{stream=" + streamId + " epoch=" + epoch + " seq=" + seq + " timestampNs=" + timestampNs +
            " metaVersion=" + metaVersion + " dtype=" + dtypeRaw + " majorOrder=" + majorOrderRaw + " shape=" +
            Arrays.toString(shape) + " strides=" + Arrays.toString(strides) + " payloadBytes=" + payload.length + "}";
    }
}
