"""A field technician sees their own orders (premise, meter, access notes), not the customer
directory: another technician's order or photo answers 404, search and customer pages 403."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from district import roles
from field_ops.models import WorkOrder, WorkOrderAttachment
from tests import factories

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 16


def _order(technician, **fields):
    premise = fields.pop("premise", None) or factories.PremiseFactory(
        meter_location_notes="Behind the side gate; dog in yard",
        cross_street="Oak Ave",
    )
    return WorkOrder.objects.create(
        order_type="other",
        premise=premise,
        requested_date=timezone.localdate(),
        scheduled_date=timezone.localdate(),
        status=WorkOrder.Status.DISPATCHED,
        assigned_to=technician,
        instructions="Gate code 4321",
        **fields,
    )


def _photo(work_order):
    attachment = WorkOrderAttachment(
        work_order=work_order, original_name="leak.png", content_type="image/png", size_bytes=24
    )
    attachment.file.save("leak.png", ContentFile(PNG), save=True)
    return attachment


@pytest.fixture
def technicians(make_user):
    return make_user(roles.FIELD_TECHNICIAN, "tech-eddie"), make_user(
        roles.FIELD_TECHNICIAN, "tech-frank"
    )


def test_technician_opening_another_technicians_order_gets_404(client, technicians):
    # given Frank's order, and Eddie signed in
    eddie, frank = technicians
    franks = _order(frank)
    client.force_login(eddie)

    # when Eddie opens it on the staff order page, and a number that does not exist
    response = client.get(reverse("field_ops:work_order_detail", args=[franks.pk]))
    missing = client.get(reverse("field_ops:work_order_detail", args=[franks.pk + 1000]))

    # then both answer the same 404: ids cannot be probed
    assert response.status_code == 404
    assert missing.status_code == 404
    assert franks.premise.street not in response.content.decode()


def test_technician_opens_their_own_order_with_premise_meter_and_access_notes(
    client, technicians, django_assert_max_num_queries
):
    # given Eddie's own order
    eddie, _frank = technicians
    own = _order(eddie)
    client.force_login(eddie)

    # when he opens it on the staff order page
    with django_assert_max_num_queries(12):
        response = client.get(reverse("field_ops:work_order_detail", args=[own.pk]))

    # then he sees where and what, without links into the records pages he cannot open
    html = response.content.decode()
    assert response.status_code == 200
    assert own.premise.full_address in html
    assert "Behind the side gate; dog in yard" in html
    assert "Gate code 4321" in html
    assert reverse("field_ops:premise_detail", args=[own.premise.pk]) not in html


def test_technician_gets_404_for_another_technicians_photo_and_200_for_their_own(
    client, technicians
):
    # given a photo on Frank's order and one on Eddie's
    eddie, frank = technicians
    franks_photo = _photo(_order(frank))
    eddies_photo = _photo(_order(eddie))
    client.force_login(eddie)

    # when Eddie asks for each
    theirs = client.get(reverse("field_ops:work_order_attachment", args=[franks_photo.pk]))
    his = client.get(reverse("field_ops:work_order_attachment", args=[eddies_photo.pk]))

    # then only his own is served
    assert theirs.status_code == 404
    assert his.status_code == 200
    assert b"".join(his.streaming_content) == PNG


@pytest.mark.parametrize("role", [roles.CSR_I, roles.CSR_III, roles.SUPERVISOR])
def test_office_dispatch_and_supervisor_still_see_every_order_and_photo(
    client, make_user, technicians, role
):
    # given an order and photo of a technician
    _eddie, frank = technicians
    order = _order(frank)
    photo = _photo(order)
    client.force_login(make_user(role))

    # when the office opens them
    page = client.get(reverse("field_ops:work_order_detail", args=[order.pk]))
    file = client.get(reverse("field_ops:work_order_attachment", args=[photo.pk]))

    # then they open, with the link to the premise's record
    assert page.status_code == 200
    assert file.status_code == 200
    assert reverse("field_ops:premise_detail", args=[order.premise.pk]) in page.content.decode()


def test_crew_lead_sees_every_technicians_order(client, make_user, technicians):
    # given a technician who leads the crew
    lead = make_user(roles.FIELD_TECHNICIAN, "crew-lead")
    lead.user_permissions.add(
        Permission.objects.get(content_type__app_label="district", codename="lead_field_crew")
    )
    _eddie, frank = technicians
    order = _order(frank)
    client.force_login(lead)

    # when
    response = client.get(reverse("field_ops:work_order_detail", args=[order.pk]))

    # then
    assert response.status_code == 200


def _customer_pages():
    account = factories.ServiceAccountFactory()
    return {
        "search": reverse("accounts:search") + "?q=main",
        "account": reverse("accounts:account_detail", args=[account.pk]),
        "customer": reverse("accounts:customer_detail", args=[account.customer_id]),
        "contacts": reverse("accounts:account_contacts", args=[account.pk]),
        "cases": reverse("accounts:case_queue"),
        "premise": reverse("field_ops:premise_detail", args=[account.premise_id]),
        "returned checks": reverse("payments:returned_list"),
        "customer history": reverse("history", args=["customer", account.customer_id]),
    }


def test_technician_is_refused_search_and_every_customer_page(client, technicians):
    # given a technician signed in
    eddie, _frank = technicians
    client.force_login(eddie)

    # when they open search and the customer directory's pages
    answers = {name: client.get(url).status_code for name, url in _customer_pages().items()}

    # then each is refused
    assert answers == dict.fromkeys(answers, 403)


def test_technician_home_and_todays_orders_show_the_job_but_no_customer_search(client, technicians):
    # given Eddie with one order on today's list
    eddie, _frank = technicians
    own = _order(eddie)
    client.force_login(eddie)

    # when he opens the home page, today's list and the order
    home = client.get(reverse("home"))
    today = client.get(reverse("field_ops:technician_today"))
    order = client.get(reverse("field_ops:technician_order", args=[own.pk]))

    # then the job is there (address, cross street, meter location, instructions), and no
    # customer search box is offered anywhere
    assert home.status_code == today.status_code == order.status_code == 200
    assert "1 order on today" in home.content.decode()
    for response in (today, order):
        html = response.content.decode()
        assert own.premise.address_line in html
        assert "near Oak Ave" in html
        assert "Behind the side gate; dog in yard" in html
        assert "Gate code 4321" in html
    for response in (home, today, order):
        assert reverse("accounts:search") not in response.content.decode()


def test_counter_staff_still_get_the_search_box(client_for):
    # given a CSR I
    client = client_for(roles.CSR_I)

    # when
    home = client.get(reverse("home"))

    # then the header offers the customer search
    assert f'action="{reverse("accounts:search")}"' in home.content.decode()
