package io.tensorpool.control;

import io.tensorpool.codecs.wire.ConsumerConfigDecoder;
import io.tensorpool.codecs.wire.ConsumerHelloDecoder;
import io.tensorpool.codecs.wire.ControlResponseDecoder;
import io.tensorpool.codecs.wire.DataSourceAnnounceDecoder;
import io.tensorpool.codecs.wire.DataSourceMetaDecoder;
import io.tensorpool.codecs.wire.FrameDescriptorDecoder;
import io.tensorpool.codecs.wire.FrameProgressDecoder;
import io.tensorpool.codecs.wire.MetaBlobAnnounceDecoder;
import io.tensorpool.codecs.wire.MetaBlobChunkDecoder;
import io.tensorpool.codecs.wire.MetaBlobCompleteDecoder;
import io.tensorpool.codecs.wire.QosConsumerDecoder;
import io.tensorpool.codecs.wire.QosProducerDecoder;
import io.tensorpool.codecs.wire.ShmPoolAnnounceDecoder;

/**
 * Receiver of validated Wire v1.1 control-plane messages (schema 900) from a {@link WirePoller}. Every decoder handed
 * over has been checked by the poller: schema, version, template, exact v1 block length and, for messages with groups
 * or var data, that the whole message lies inside the fragment. Decoders are flyweights valid only for the call.
 * {@code source} is the tag the poller was created with, so one listener can tell shared and per-consumer streams
 * apart. Default methods ignore the message.
 */
public interface WireMessageListener
{
    default void onShmPoolAnnounce(ShmPoolAnnounceDecoder decoder, int source)
    {
    }

    default void onConsumerHello(ConsumerHelloDecoder decoder, int source)
    {
    }

    default void onConsumerConfig(ConsumerConfigDecoder decoder, int source)
    {
    }

    default void onFrameDescriptor(FrameDescriptorDecoder decoder, int source)
    {
    }

    default void onFrameProgress(FrameProgressDecoder decoder, int source)
    {
    }

    default void onQosConsumer(QosConsumerDecoder decoder, int source)
    {
    }

    default void onQosProducer(QosProducerDecoder decoder, int source)
    {
    }

    default void onDataSourceAnnounce(DataSourceAnnounceDecoder decoder, int source)
    {
    }

    default void onDataSourceMeta(DataSourceMetaDecoder decoder, int source)
    {
    }

    default void onControlResponse(ControlResponseDecoder decoder, int source)
    {
    }

    default void onMetaBlobAnnounce(MetaBlobAnnounceDecoder decoder, int source)
    {
    }

    default void onMetaBlobChunk(MetaBlobChunkDecoder decoder, int source)
    {
    }

    default void onMetaBlobComplete(MetaBlobCompleteDecoder decoder, int source)
    {
    }
}
