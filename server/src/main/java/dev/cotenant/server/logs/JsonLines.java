package dev.cotenant.server.logs;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object a line, written with Jackson: {@code time} (ISO-8601, UTC), {@code level},
 * {@code logger}, {@code thread}, {@code message}, then every key-value pair the line was logged
 * with as a field of its own (numbers stay numbers: an access line's {@code status} and
 * {@code duration_ms} can be filtered on as they are), and {@code error} with the stack trace
 * when there is one.
 */
public final class JsonLines extends EncoderBase<ILoggingEvent> {

    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] NOTHING = new byte[0];

    @Override
    public byte[] headerBytes() {
        return NOTHING;
    }

    @Override
    public byte[] footerBytes() {
        return NOTHING;
    }

    @Override
    public byte[] encode(ILoggingEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", e.getInstant().toString());
            g.writeStringField("level", e.getLevel().toString());
            g.writeStringField("logger", e.getLoggerName());
            g.writeStringField("thread", e.getThreadName());
            g.writeStringField("message", e.getFormattedMessage());
            List<KeyValuePair> pairs = e.getKeyValuePairs();
            if (pairs != null) {
                for (KeyValuePair p : pairs) {
                    g.writeFieldName(p.key);
                    switch (p.value) {
                        case null -> g.writeNull();
                        case Integer i -> g.writeNumber(i);
                        case Long l -> g.writeNumber(l);
                        case Double d -> g.writeNumber(d);
                        case Float f -> g.writeNumber(f);
                        case Boolean b -> g.writeBoolean(b);
                        default -> g.writeString(String.valueOf(p.value));
                    }
                }
            }
            if (e.getThrowableProxy() != null) {
                g.writeStringField("error", ThrowableProxyUtil.asString(e.getThrowableProxy()));
            }
            g.writeEndObject();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        out.write('\n');
        return out.toByteArray();
    }
}
