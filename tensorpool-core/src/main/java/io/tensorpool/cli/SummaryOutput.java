package io.tensorpool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;

/** Prints a command's final summary on stdout: one JSON object with --json, else one {@code key=value} line. */
final class SummaryOutput
{
    private SummaryOutput()
    {
    }

    static void print(final PrintWriter out, final boolean json, final ObjectNode summary)
    {
        out.println(json ? InspectCommand.toJson(summary) : keyValues(summary));
        out.flush();
    }

    static String keyValues(final JsonNode node)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); )
        {
            final Map.Entry<String, JsonNode> field = it.next();
            if (sb.length() > 0)
            {
                sb.append(' ');
            }
            final JsonNode value = field.getValue();
            sb.append(field.getKey()).append('=').append(value.isTextual() ? value.asText() : value.toString());
        }
        return sb.toString();
    }
}
