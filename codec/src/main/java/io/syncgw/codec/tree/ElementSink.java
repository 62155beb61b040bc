package io.syncgw.codec.tree;

import io.syncgw.codec.model.SyncMlVersion;
import io.syncgw.codec.model.devinf.DevInf;
import java.util.function.Consumer;

/**
 * Where {@link SyncMlWriter} writes a document, one event at a time; an implementation turns the events into the
 * bytes of one encoding (XML text, WBXML tokens). Elements nest: every {@link #start} is closed by one {@link #end}.
 *
 * <p>Contract that keeps encoders' sizes exact: an implementation's output for a command must not depend on what
 * was written before it (apart from being inside {@code SyncBody}).
 */
public interface ElementSink {

    /** Opens the root {@code SyncML} element of a message of this version (XML declaration, WBXML header...). */
    void startMessage(SyncMlVersion version);

    /** Opens an element that will have content. */
    void start(Vocabulary vocabulary, String name);

    /** Closes the innermost open element. */
    void end();

    /** An element without content ({@code Final}, {@code NoResp}...). */
    void empty(Vocabulary vocabulary, String name);

    /** Character data of the open element (a value: CmdID, LocURI...). */
    void text(String value);

    /** Character data of an item's {@code Data}: the payload (a vCard...), carried as exactly as the encoding can. */
    void payload(String value);

    /**
     * A DevInf document as the content of the open {@code Data} element: inline in XML, an embedded WBXML document
     * (OPAQUE) in WBXML. {@code content} writes the document into the sink it is given.
     *
     * <p>The same {@code devInf} instance always makes the same document (the model is immutable), so an
     * implementation may write what it encoded for that instance before instead of running {@code content} again.
     *
     * @param devInf the document's DevInf: its own VerDTD ("1.2"...) names the embedded document's DTD
     */
    void devInfDocument(DevInf devInf, Consumer<ElementSink> content);
}
