package io.syncgw.codec.model.devinf;

import java.util.List;

/** {@code FilterCap} (DevInf §5.3.14): the filter keywords and properties a datastore accepts for a type. */
public record FilterCap(String ctType, String verCt, List<String> filterKeywords, List<String> propNames) {
    public FilterCap {
        filterKeywords = List.copyOf(filterKeywords);
        propNames = List.copyOf(propNames);
    }
}
