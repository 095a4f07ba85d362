"""The technician's phone pages and the staff work order pages: who sees what, and what is kept."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from district import roles
from field_ops.models import MeterRead, WorkOrder, WorkOrderAttachment

pytestmark = pytest.mark.django_db

S = WorkOrder.Status
T = WorkOrder.Type
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _order_url(work_order):
    return reverse("field_ops:technician_order", kwargs={"work_order_id": work_order.pk})


def _detail_url(work_order):
    return reverse("field_ops:work_order_detail", kwargs={"work_order_id": work_order.pk})


# -- today's list


def test_today_lists_only_my_open_orders_with_where_and_when(client, world):
    # given
    mine = world.order(T.TURN_ON, priority=WorkOrder.Priority.EMERGENCY, instructions="Gate 4411")
    theirs = world.order(technician=world.other_technician)
    client.force_login(world.technician)

    # when
    response = client.get(reverse("field_ops:technician_today"))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Open {mine}" in page
    assert str(theirs) not in page
    assert "Emergency" in page  # in words, not only a colour
    assert "https://maps.google.com/?q=33.123456,-117.654321" in page
    assert "Left of driveway, under the oak" in page
    assert "Gate 4411" in page


def test_todays_list_takes_the_same_queries_for_many_orders(
    client, world, django_assert_max_num_queries
):
    # given
    for _ in range(6):
        world.order(T.RE_READ)
    client.force_login(world.technician)

    # when
    with django_assert_max_num_queries(11):
        response = client.get(reverse("field_ops:technician_today"))

    # then
    assert response.content.decode().count("Open WO-") == 6


def test_the_home_page_shows_todays_count_to_a_technician(client, world):
    # given
    world.order()
    world.order(priority=WorkOrder.Priority.EMERGENCY)
    client.force_login(world.technician)

    # when
    response = client.get(reverse("home"))

    # then
    page = response.content.decode()
    assert "Today&#x27;s orders" in page or "Today's orders" in page
    assert "2 orders on today" in page
    assert "1 emergency order" in page


# -- one order


def test_a_technician_opens_their_order_with_a_form_for_its_type(
    client, world, django_assert_max_num_queries
):
    # given
    work_order = world.order(T.RE_READ)
    client.force_login(world.technician)

    # when
    with django_assert_max_num_queries(12):
        response = client.get(_order_url(work_order))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert 'inputmode="decimal"' in page
    assert "Last read 100.00" in page
    assert "Complete order" in page


def test_another_technicians_order_is_not_found(client, world):
    # given
    work_order = world.order(T.RE_READ, technician=world.other_technician)
    client.force_login(world.technician)
    reads_before = MeterRead.objects.count()

    # when
    seen = client.get(_order_url(work_order))
    posted = client.post(_order_url(work_order), {"action": "complete", "reading": "150"})
    missing = client.get(reverse("field_ops:technician_order", kwargs={"work_order_id": 999999}))

    # then
    assert (seen.status_code, posted.status_code, missing.status_code) == (404, 404, 404)
    assert WorkOrder.objects.get(pk=work_order.pk).status == S.DISPATCHED
    assert MeterRead.objects.count() == reads_before


def test_a_crew_lead_sees_and_completes_anyones_order(client, world):
    # given
    work_order = world.order(T.RE_READ)
    client.force_login(world.lead)

    # when
    seen = client.get(_order_url(work_order))
    posted = client.post(_order_url(work_order), {"action": "complete", "reading": "150"})

    # then
    assert seen.status_code == 200
    assert posted.status_code == 302
    done = WorkOrder.objects.get(pk=work_order.pk)
    assert (done.status, done.completed_by) == (S.COMPLETED, world.lead)


def test_completing_records_the_read_and_shows_it_on_the_order(client, world):
    # given
    work_order = world.order(T.RE_READ)
    client.force_login(world.technician)

    # when
    response = client.post(
        _order_url(work_order),
        {"action": "complete", "reading": "1234.5", "notes": "Register fogged"},
        follow=True,
    )

    # then
    page = response.content.decode()
    read = MeterRead.objects.get(meter=world.meter, reading="1234.50")
    assert read.source == MeterRead.Source.FIELD_ORDER
    assert f"{work_order} completed." in page
    assert "1234.50" in page
    assert "Register fogged" in page
    assert WorkOrder.objects.get(pk=work_order.pk).completion_notes == "Register fogged"


def test_a_bad_reading_comes_back_with_what_was_typed_and_the_error_beside_it(client, world):
    # given
    work_order = world.order(T.RE_READ)
    client.force_login(world.technician)
    reads_before = MeterRead.objects.count()

    # when
    response = client.post(
        _order_url(work_order),
        {"action": "complete", "reading": "12.345", "notes": "Keep this note"},
    )

    # then
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="12.345"' in page
    assert "Keep this note" in page
    assert 'aria-invalid="true"' in page
    assert 'id="id_reading-error"' in page
    assert "two decimals" in page
    assert MeterRead.objects.count() == reads_before
    assert WorkOrder.objects.get(pk=work_order.pk).status == S.DISPATCHED


def test_start_then_leave_for_later(client, world):
    # given
    work_order = world.order(T.RE_READ)
    client.force_login(world.technician)

    # when
    client.post(_order_url(work_order), {"action": "start"})
    started = WorkOrder.objects.get(pk=work_order.pk)
    client.post(_order_url(work_order), {"action": "pause"})

    # then
    assert started.status == S.IN_PROGRESS
    assert WorkOrder.objects.get(pk=work_order.pk).status == S.DISPATCHED


def test_uploading_a_photo_keeps_what_was_typed_in_the_completion_form(client, world):
    # given
    work_order = world.order(T.RE_READ)
    client.force_login(world.technician)

    # when
    response = client.post(
        _order_url(work_order),
        {
            "action": "attach",
            "reading": "150",
            "file": SimpleUploadedFile("meter.png", PNG, content_type="image/png"),
            "description": "Register",
        },
    )

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="150"' in page
    attachment = WorkOrderAttachment.objects.get(work_order=work_order)
    assert (attachment.content_type, attachment.description) == ("image/png", "Register")
    assert "meter.png" in page


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_on_the_page(client, world):
    # given
    work_order = world.order(T.RE_READ)
    client.force_login(world.technician)

    # when
    response = client.post(
        _order_url(work_order),
        {
            "action": "attach",
            "reading": "150",
            "file": SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not a photo", "image/jpeg"),
        },
    )

    # then
    page = response.content.decode()
    assert response.status_code == 400
    assert "JPEG, PNG or HEIC" in page
    assert 'value="150"' in page
    assert not WorkOrderAttachment.objects.exists()


def test_a_scheduled_order_shows_but_cannot_be_completed_yet(client, world):
    # given
    work_order = world.order(T.RE_READ, status=S.SCHEDULED)
    client.force_login(world.technician)

    # when
    response = client.get(_order_url(work_order))

    # then
    page = response.content.decode()
    assert "Not dispatched yet" in page
    assert "Complete order" not in page


# -- staff pages


def test_a_csr_creates_an_order_for_a_premise(client, world, make_user):
    # given
    csr = make_user(roles.CSR_I)
    client.force_login(csr)
    url = reverse("field_ops:work_order_new") + f"?premise={world.premise.pk}"

    # when
    shown = client.get(url)
    response = client.post(
        url,
        {
            "order_type": T.HIGH_BILL_INVESTIGATION,
            "priority": WorkOrder.Priority.ROUTINE,
            "requested_date": timezone.localdate().isoformat(),
            "window_start": "09:00",
            "window_end": "12:00",
            "instructions": "Customer home after 9",
        },
    )

    # then
    assert shown.status_code == 200
    work_order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail_url(work_order)
    assert (work_order.created_by, work_order.meter) == (csr, world.meter)


def test_the_new_order_page_asks_for_a_premise_first(client, world, make_user):
    # given
    client.force_login(make_user(roles.CSR_I))

    # when
    response = client.get(reverse("field_ops:work_order_new"))

    # then
    assert response.status_code == 200
    assert "Premise number" in response.content.decode()


def test_an_order_for_a_past_day_is_refused_next_to_the_date(client, world, make_user):
    # given
    client.force_login(make_user(roles.CSR_I))
    url = reverse("field_ops:work_order_new") + f"?premise={world.premise.pk}"

    # when
    response = client.post(
        url,
        {"order_type": T.OTHER, "priority": "routine", "requested_date": "2001-01-01"},
    )

    # then
    assert response.status_code == 400
    assert 'id="id_requested_date-error"' in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_the_detail_page_shows_times_completion_and_files(
    client, world, make_user, django_assert_max_num_queries
):
    # given
    work_order = world.order(T.RE_READ, status=S.COMPLETED)
    WorkOrderAttachment.objects.create(
        work_order=work_order,
        file=SimpleUploadedFile("a.png", PNG),
        original_name="meter face.png",
        content_type="image/png",
        size_bytes=len(PNG),
        uploaded_by=world.technician,
    )
    client.force_login(make_user(roles.CSR_I))

    # when
    with django_assert_max_num_queries(11):
        response = client.get(_detail_url(work_order))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "Completed" in page
    assert "150.50" in page
    assert "meter face.png" in page
    assert "Cancel work order" not in page  # completed: nothing to cancel


def test_an_attachment_downloads_with_its_sniffed_type(client, world, make_user):
    # given
    work_order = world.order(T.RE_READ)
    attachment = WorkOrderAttachment.objects.create(
        work_order=work_order,
        file=SimpleUploadedFile("a.png", PNG),
        original_name="meter.png",
        content_type="image/png",
        size_bytes=len(PNG),
        uploaded_by=world.technician,
    )
    client.force_login(make_user(roles.CSR_I))

    # when
    response = client.get(
        reverse(
            "field_ops:work_order_attachment",
            kwargs={"attachment_id": attachment.pk},
        )
    )

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG


def test_cancelling_from_the_detail_page_needs_a_reason(client, world, make_user):
    # given
    work_order = world.order(status=S.SCHEDULED)
    client.force_login(make_user(roles.CSR_I))

    # when
    refused = client.post(_detail_url(work_order), {"reason": ""})
    still = WorkOrder.objects.get(pk=work_order.pk).status
    done = client.post(_detail_url(work_order), {"reason": "Customer fixed it"})

    # then
    assert refused.status_code == 400
    assert "Say why the order is cancelled." in refused.content.decode()
    assert still == S.SCHEDULED
    assert done.status_code == 302
    cancelled = WorkOrder.objects.get(pk=work_order.pk)
    assert (cancelled.status, cancelled.cancelled_reason) == (S.CANCELLED, "Customer fixed it")


def test_a_technician_cannot_cancel_from_the_detail_page(client, world):
    # given
    work_order = world.order(status=S.DISPATCHED)
    client.force_login(world.technician)

    # when
    response = client.post(_detail_url(work_order), {"reason": "Don't want to"})

    # then
    assert response.status_code == 403
    assert WorkOrder.objects.get(pk=work_order.pk).status == S.DISPATCHED
