package dev.gatehouse.replication;

import dev.gatehouse.error.UnavailableException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamPlacesTest {

    @Test
    void aKey_holdsAtMostItsShare_andTheNodeAtMostItsPlaces() {
        StreamPlaces places = new StreamPlaces(5, 3);
        List<StreamPlace> a = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            a.add(places.take("a"));
        }
        assertThatThrownBy(() -> places.take("a")).isInstanceOfSatisfying(UnavailableException.class,
                e -> assertThat(e.code()).isEqualTo("too_many_streams"));
        StreamPlace b1 = places.take("b");
        places.take("b");
        assertThatThrownBy(() -> places.take("c")).as("the node is full").isInstanceOf(UnavailableException.class);

        b1.close();
        b1.close(); // closing again gives nothing back twice
        places.take("c");
        assertThatThrownBy(() -> places.take("c")).isInstanceOf(UnavailableException.class);
        a.get(0).close();
        assertThat(places.take("a")).as("a place given back is taken again").isNotNull();
    }
}
