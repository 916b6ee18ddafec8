package io.tensorpool.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tensorpool inspect}: print the superblock of region files and every non-empty header slot, without Aeron.
 * Files are mapped read-only; nothing is written.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
        "Print region files: superblocks and header slots, read directly (no driver or Aeron needed).",
        "",
        "For a header ring every non-empty slot is shown with its SlotHeader and TensorHeader fields, " +
            "whether it is committed and whether it is valid (with the reason when not). Give the stream's " +
            "payload-*.pool files (or its epoch directory) too to validate slots like a consumer and to get " +
            "payloadCrc32, the CRC-32 of each slot's payload bytes.",
    })
final class InspectCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object (schema field names, enum values by name).")
    boolean json;

    @Parameters(paramLabel = "FILE", arity = "1..*",
        description = "Region files (header.ring, payload-N.pool) or epoch directories containing them.")
    List<Path> files;

    @Override
    public Integer call()
    {
        final ObjectNode report;
        try (RegionInspector inspector = RegionInspector.open(files))
        {
            report = inspector.report();
        }
        final PrintWriter out = spec.commandLine().getOut();
        if (json)
        {
            out.println(toJson(report));
        }
        else
        {
            printText(report, out);
        }
        out.flush();
        return TensorPoolCommand.EXIT_OK;
    }

    /** Indented JSON with a stable field order. */
    static String toJson(final JsonNode node)
    {
        try
        {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node);
        }
        catch (final JsonProcessingException ex)
        {
            throw new CliFailure("cannot format JSON: " + ex.getMessage(), ex);
        }
    }

    private static void printText(final ObjectNode report, final PrintWriter out)
    {
        for (final JsonNode region : report.get("regions"))
        {
            final JsonNode sb = region.get("superblock");
            out.println(region.get("path").asText());
            out.println("  superblock: " + fields(sb));
            final JsonNode slots = region.get("slots");
            if (slots == null)
            {
                continue;
            }
            final JsonNode pools = region.get("payloadPoolsGiven");
            out.println("  " + region.get("nonEmptySlots").asInt() + " of " + sb.get("nslots").asLong() +
                " slots non-empty" + (pools.isEmpty() ? "; no payload pool files given, slots checked header-only" :
                "; payload pools given: " + pools));
            for (final JsonNode slot : slots)
            {
                final StringBuilder line = new StringBuilder("  slot ").append(slot.get("headerIndex").asInt())
                    .append(": seq=").append(slot.get("seq").asText())
                    .append(slot.get("committed").asBoolean() ? " committed" : " in-progress")
                    .append(slot.get("valid").asBoolean() ? " valid" :
                        " INVALID (" + slot.get("invalidReason").asText() + ")");
                if (slot.has("payloadCrc32"))
                {
                    line.append(" payloadCrc32=").append(String.format("0x%08x", slot.get("payloadCrc32").asLong()));
                }
                out.println(line);
                out.println("    slotHeader:   " + fields(slot.get("slotHeader")));
                out.println("    tensorHeader: " + fields(slot.get("tensorHeader")));
            }
        }
    }

    private static String fields(final JsonNode node)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); )
        {
            final Map.Entry<String, JsonNode> field = it.next();
            if (sb.length() > 0)
            {
                sb.append(' ');
            }
            sb.append(field.getKey()).append('=');
            final JsonNode value = field.getValue();
            if (value.isObject())
            {
                sb.append('{').append(fields(value)).append('}');
            }
            else
            {
                sb.append(value.isTextual() ? value.asText() : value.toString());
            }
        }
        return sb.toString();
    }
}
